"""Pages of the annual assessment (issues 5 and 8; R7–R9), one module per page: the years and a year's round
(`rounds`), scores, vetoes and exemptions, rankings, notices, eliminations, talks and the what-if. Thin: the
services decide and write, the selectors read (what a role may see of proposed and published results), the
forms collect."""

from .eliminations import eliminations, eliminations_export, under_minimum_export
from .notices import notice_docx_view, notice_page, notice_pdf_view
from .rankings import rankings, rankings_export
from .rounds import (
    assessment_index,
    indicator_edit,
    indicator_export,
    round_copy_system,
    round_detail,
    round_list_export,
    round_progress,
    round_publish,
    round_reopen,
    round_run,
    round_settings,
    unassessed_export,
)
from .scores import score_export, score_import, score_list, score_town
from .simulate import simulate
from .talks import talk_export, talk_held, talk_list
from .vetoes import exemption_export, exemption_list, veto_document, veto_export, veto_list

__all__ = [
    "assessment_index",
    "eliminations",
    "eliminations_export",
    "exemption_export",
    "exemption_list",
    "indicator_edit",
    "indicator_export",
    "notice_docx_view",
    "notice_page",
    "notice_pdf_view",
    "rankings",
    "rankings_export",
    "round_copy_system",
    "round_detail",
    "round_list_export",
    "round_progress",
    "round_publish",
    "round_reopen",
    "round_run",
    "round_settings",
    "score_export",
    "score_import",
    "score_list",
    "score_town",
    "simulate",
    "talk_export",
    "talk_held",
    "talk_list",
    "unassessed_export",
    "under_minimum_export",
    "veto_document",
    "veto_export",
    "veto_list",
]
