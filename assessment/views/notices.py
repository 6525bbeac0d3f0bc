"""The notices (通报) of praise and criticism, printable and as PDF (R8)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from .. import exports, selectors
from ..models import (
    NoticeKind,
)
from ..pdf import notice_pdf
from ._common import _round

# --- notices -------------------------------------------------------------------------------------------


def _notice(request, year, kind):
    """The notice's content as the user may see it (R8): proposed notices for province roles only; a
    regional user finds the towns of their own scope listed."""
    assessment_round = _round(year)
    shown = selectors.notice_shown(request.user, assessment_round, kind, request.GET.get("notice", ""))
    if shown is None:
        raise Http404("未找到。")
    notice, results, listed = shown
    partial = listed is not None
    count = assessment_round.top_count if kind == NoticeKind.PRAISE else assessment_round.bottom_count
    return assessment_round, exports.notice_content(notice, results, count, listed=listed, partial=partial)


@login_required
def notice_page(request, year, kind):
    assessment_round, content = _notice(request, year, kind)
    return render(
        request, "assessment/notice.html", {"assessment_round": assessment_round, "notice": content}
    )


@login_required
def notice_pdf_view(request, year, kind):
    _assessment_round, content = _notice(request, year, kind)
    response = HttpResponse(notice_pdf(content), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=content.filename
    )
    return response
