"""The rounds and a round's candidates sort by their columns (issue 10, point 8); the steps that cannot be undone
ask first and say what will change, and a closed round's deadline reads in Chinese."""

import pytest

from selection.services import transition

from ..conftest import SHUANGYANG, town_in
from ..pages import html
from ..sorting import assert_sorts, row_keys

pytestmark = pytest.mark.usefixtures("jilin")


def test_the_rounds_sort_by_their_columns(client, county_official, open_round, closed_round):
    client.force_login(county_official)

    def rounds(response):
        return [int(pk) for pk in row_keys(response, "round-table", "data-round")]

    assert rounds(client.get("/towns/rounds/")) == [open_round.pk, closed_round.pk]  # latest deadline first
    assert_sorts(client, "/towns/rounds/", rounds, "deadline", [closed_round.pk, open_round.pk])
    assert_sorts(client, "/towns/rounds/", rounds, "name", [open_round.pk, closed_round.pk])  # "2" before 第
    assert_sorts(client, "/towns/rounds/", rounds, "open", [closed_round.pk, open_round.pk])


def test_a_rounds_candidates_sort_by_their_columns(client, county_official, make_draft, open_round):
    county = make_draft(town=town_in(SHUANGYANG, 0), tier="county")
    provincial = make_draft(town=town_in(SHUANGYANG, 1), tier="provincial", documents=False)
    client.force_login(county_official)

    def candidates(response):
        return [int(pk) for pk in row_keys(response, "submission-table", "data-submission")]

    url = f"/towns/rounds/{open_round.pk}/"
    assert candidates(client.get(url)) == [county.pk, provincial.pk]  # by town code
    assert_sorts(client, url, candidates, "tier", [provincial.pk, county.pk])
    assert_sorts(client, url, candidates, "documents", [provincial.pk, county.pk])
    assert_sorts(client, url, candidates, "town", [county.pk, provincial.pk])


def confirm_of(response, action):
    page = html(response)
    button = page[page.index(f'data-action="{action}"') :].split(">", 1)[0]
    return button.split('data-confirm="', 1)[1].split('"', 1)[0] if "data-confirm=" in button else None


def test_submitting_and_selecting_ask_first_and_say_what_changes(
    client, county_official, city_official, province_admin, make_draft, open_round
):
    draft = make_draft(tier="county")
    town = draft.town
    client.force_login(county_official)
    page = client.get(f"/towns/submissions/{draft.pk}/")
    assert confirm_of(page, "submit") == f"上报后县级不能再修改，将提交长春市审核。确定上报{town.name}吗？"

    transition(county_official, submission_id=draft.pk, action="submit")
    client.force_login(city_official)
    page = client.get(f"/towns/submissions/{draft.pk}/")
    assert "市（州）不能再退回修改" in confirm_of(page, "recommend")
    assert confirm_of(page, "return") is None  # a return can be submitted again: nothing to confirm

    transition(city_official, submission_id=draft.pk, action="recommend")
    client.force_login(province_admin)
    page = client.get(f"/towns/submissions/{draft.pk}/")
    assert confirm_of(page, "select") == (
        f"审定入选后，{town.name}自 {open_round.year} 年起认定为县级示范镇，记入认定历史，不能撤回。确定审定入选吗？"
    )
    assert "不能撤回" in confirm_of(page, "reject")


def test_a_closed_rounds_deadline_reads_in_chinese(client, county_official, closed_round):
    client.force_login(county_official)
    page = html(client.get(f"/towns/rounds/{closed_round.pk}/"))
    assert "本批次申报已于 2022年4月30日 截止" in page and "2022-04-30" not in page
