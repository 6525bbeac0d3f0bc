"""R8: a notice's publication parameters (rules.notice_parameters, notice_parameters_refusal), without a
database: the defaults, how text is taken, and which dates a publication accepts."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from assessment import rules

TODAY = date(2025, 1, 20)


def test_omitted_parameters_take_the_defaults():
    parameters = rules.notice_parameters(today=TODAY)
    assert parameters == rules.NoticeParameters(
        issuer="吉林省示范镇建设工作协调机制办公室",
        signed_on=TODAY,
        recipients="各市（州）、县（市、区）示范镇建设工作协调机制办公室",
        copied_to=rules.DEFAULT_COPIED_TO,
        printer="吉林省示范镇建设工作协调机制办公室",
        printed_on=TODAY,
    )
    assert rules.notice_parameters_refusal(parameters, year=2024, today=TODAY) is None


def test_the_printer_and_the_printed_date_follow_the_issuer_and_the_date_signed():
    signed = date(2025, 1, 10)
    parameters = rules.notice_parameters(today=TODAY, issuer="吉林省住房和城乡建设厅", signed_on=signed)
    assert (parameters.printer, parameters.printed_on) == ("吉林省住房和城乡建设厅", signed)


def test_text_is_taken_as_one_line_and_the_closing_marks_are_left_to_the_layout():
    parameters = rules.notice_parameters(
        today=TODAY,
        issuer=" 吉林省示范镇\n建设工作协调机制办公室 ",
        recipients="各市（州）：",
        copied_to="省财政厅，省自然资源厅。",
    )
    assert parameters.issuer == "吉林省示范镇 建设工作协调机制办公室"
    assert parameters.recipients == "各市（州）"  # the salutation adds its own ：
    assert parameters.copied_to == "省财政厅，省自然资源厅"  # the 版记 adds its own 。
    assert rules.notice_parameters(today=TODAY, copied_to="").copied_to == ""  # no 抄送 at all


def refusal(**given):
    return rules.notice_parameters_refusal(
        rules.notice_parameters(today=TODAY, **given), year=2024, today=TODAY
    )


def test_required_texts_and_their_lengths():
    assert refusal(issuer="") == "请填写发文机关。"
    assert refusal(recipients="  ") == "请填写主送机关。"
    assert refusal(printer="") == "请填写印发机关。"
    assert refusal(copied_to="") is None
    assert refusal(issuer="长" * 28) is None
    assert refusal(issuer="长" * 29) == "发文机关不能超过 28 个字（现有 29 个字）。"
    assert refusal(copied_to="厅" * 301) == "抄送机关不能超过 300 个字（现有 301 个字）。"
    assert refusal(printer="办" * 29) == "印发机关不能超过 28 个字（现有 29 个字）。"


def test_dates():
    assert (
        refusal(signed_on=TODAY + timedelta(days=1))
        == "成文日期（2025年1月21日）不能晚于今天（2025年1月20日）。"
    )
    assert (
        refusal(signed_on=date(2023, 12, 31))
        == "成文日期（2023年12月31日）不能早于2024年度评价所在的2024年。"
    )
    assert refusal(signed_on=date(2024, 1, 1)) is None
    assert (
        refusal(signed_on=date(2025, 1, 10), printed_on=date(2025, 1, 9))
        == "印发日期（2025年1月9日）不能早于成文日期（2025年1月10日）。"
    )
    assert (
        refusal(printed_on=TODAY + timedelta(days=1))
        == "印发日期（2025年1月21日）不能晚于今天（2025年1月20日）。"
    )


days = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))


@given(signed=days, printed=days, today=days, year=st.integers(2022, 2026))
def test_dates_are_accepted_exactly_when_in_order(signed, printed, today, year):
    parameters = rules.notice_parameters(today=today, signed_on=signed, printed_on=printed)
    accepted = rules.notice_parameters_refusal(parameters, year=year, today=today) is None
    assert accepted == (date(year, 1, 1) <= signed <= printed <= today)
