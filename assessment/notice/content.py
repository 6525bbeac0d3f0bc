"""What a notice (通报, R8) says, in the order the document shows it: shared by the printable page, the PDF and
the .docx, so that the three never differ."""

from dataclasses import dataclass
from decimal import Decimal

from core.formats import chinese_date

from .. import rules
from ..exports import grade_text
from ..models import NoticeKind

PENDING = "（待发布）"
PLAN = "《关于开展示范镇建设助推乡村振兴的实施方案》"
PARTIAL_NOTE = "注：本附件仅列出您查看范围内的示范镇。"


@dataclass(frozen=True)
class NoticeLine:
    rank: int | None
    town: str
    town_code: str
    county: str
    city: str
    score: Decimal | None
    grade: str


@dataclass(frozen=True)
class NoticeContent:
    """Everything the notice shows: 版头 (issuer, doc_no), 主体 (title, recipients, paragraphs, the attachment
    note, the signature and date signed, the attachment with its towns) and 版记 (copies, printer, date)."""

    year: int
    kind: str
    kind_label: str
    title: str
    doc_no: str
    date_text: str  # 成文日期, e.g. 2025年1月20日, or （待发布）
    published: bool
    recipients: str  # 主送机关
    paragraphs: tuple
    lines: tuple
    issuer: str
    partial: bool  # a regional user: only the towns of their scope are listed
    superseded_by: str = ""  # the number of the notice that replaced this one after a correction
    attachment_title: str = ""  # empty: the notice names no town, so it has no attachment
    copied_to: str = ""  # 抄送机关, without the closing 。; empty: no 抄送 line
    printer: str = ""  # 印发机关
    printed_text: str = ""  # 印发日期, e.g. 2025年1月20日, or （待发布）

    @property
    def salutation(self):
        return f"{self.recipients}："

    @property
    def attachment_note(self):
        """附件说明: the line under the body that names the attachment."""
        return f"附件：{self.attachment_title}" if self.attachment_title else ""

    @property
    def copies_text(self):
        """The 版记's 抄送 line, closed with 。 as the standard asks."""
        return f"抄送：{self.copied_to}。" if self.copied_to else ""

    @property
    def printed_line(self):
        return f"{self.printed_text}印发" if self.printed_text != PENDING else PENDING

    @property
    def partial_note(self):
        return PARTIAL_NOTE if self.partial else ""

    @property
    def status_note(self):
        """What marks a notice that is not (or no longer) in force, above the text block of every page."""
        if self.superseded_by:
            return f"本通报已被 {self.superseded_by} 替代，原文号保留备查"
        if not self.published:
            return "草稿：计算结果，发布后编发文号"
        return ""

    @property
    def stem(self):
        return f"{self.year}年度示范镇建设评价{self.kind_label}"

    @property
    def filename(self):
        return f"{self.stem}.pdf"

    @property
    def docx_filename(self):
        return f"{self.stem}.docx"


def _paragraphs(year, kind, listed, count):
    opening = f"按照{PLAN}要求，省示范镇建设工作协调机制办公室组织开展了{year}年度示范镇建设评价。"
    if not listed:
        return (opening + f"{year}年度没有应予{NoticeKind(kind).label}的省级示范镇。",)
    tie = "（得分并列的示范镇一并列入）" if listed > count else ""
    if kind == NoticeKind.PRAISE:
        return (
            opening
            + f"经综合评价，{listed}个省级示范镇综合得分位列全省前{count}名{tie}，现予以通报表扬（名单见附件）。",
            "希望受到表扬的示范镇珍惜荣誉、再接再厉，充分发挥示范引领作用；"
            "各地要认真学习借鉴其经验做法，推动示范镇建设取得新成效。",
        )
    return (
        opening
        + f"经综合评价，{listed}个省级示范镇综合得分排名靠后（后{count}名）{tie}，"
        + "现予以通报批评（名单见附件），并约谈其主要负责同志。",
        "被通报批评的示范镇要认真查找问题、深刻剖析原因，限期整改到位。"
        "连续两年评价排名靠后的省级示范镇，按规定予以淘汰。",
    )


def notice_content(notice, results, count, listed=None, partial=False):
    """The notice of a round with the results it lists (town, county and city selected), in rank order, and
    the parameters of the publication that issued it (a draft shows the defaults, its date pending).

    count: the round's top or bottom N; listed: how many towns the whole notice names (ties included),
    when `results` holds only those of a regional user's scope.
    """
    year = notice.round.year
    published = bool(notice.doc_no)
    lines = tuple(
        NoticeLine(
            rank=result.rank,
            town=result.town.name,
            town_code=result.town_id,
            county=result.town.county.name,
            city=result.town.city.name,
            score=result.score,
            grade=grade_text(result) + ("（一票否决）" if result.vetoed else ""),
        )
        for result in results
    )
    listed = len(lines) if listed is None else listed
    publication = notice.publication if notice.publication_id else None
    issuer = (publication and publication.issuer) or rules.DEFAULT_ISSUER
    printed_on = (publication and publication.printed_on) or notice.date
    kind_label = notice.get_kind_display()
    return NoticeContent(
        year=year,
        kind=notice.kind,
        kind_label=kind_label,
        title=f"关于{year}年度示范镇建设评价结果的通报",
        doc_no=notice.doc_no or PENDING,
        date_text=chinese_date(notice.date) if notice.date else PENDING,
        published=published,
        recipients=(publication and publication.recipients) or rules.DEFAULT_RECIPIENTS,
        paragraphs=_paragraphs(year, notice.kind, listed, count),
        lines=lines,
        issuer=issuer,
        partial=partial,
        superseded_by=notice.superseded_by.doc_no if notice.superseded_by_id else "",
        attachment_title=f"{year}年度示范镇建设评价{kind_label}名单" if listed else "",
        copied_to=publication.copied_to if publication else rules.DEFAULT_COPIED_TO,
        printer=(publication and publication.printer) or issuer,
        printed_text=chinese_date(printed_on) if printed_on else PENDING,
    )
