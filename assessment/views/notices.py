"""The notices (通报) of praise and criticism: the printable page, its PDF and its .docx (R8, ADR 9), all three
from the same content (assessment.notice.content) and scope."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from .. import selectors
from ..models import NoticeKind
from ..notice.content import notice_content
from ..notice.layout import notice_style
from ._common import _round

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
    return assessment_round, notice_content(notice, results, count, listed=listed, partial=partial)


@login_required
def notice_page(request, year, kind):
    assessment_round, content = _notice(request, year, kind)
    context = {"assessment_round": assessment_round, "notice": content, "style": notice_style(content)}
    return render(request, "assessment/notice.html", context)


def _download(data, content_type, filename):
    # An attachment, never shown inline: a downloaded file is never rendered in the portal's origin (issue 12).
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@login_required
def notice_pdf_view(request, year, kind):
    from ..notice.pdf import notice_pdf  # WeasyPrint loads Pango: only when a PDF is asked for

    _assessment_round, content = _notice(request, year, kind)
    return _download(notice_pdf(content), "application/pdf", content.filename)


@login_required
def notice_docx_view(request, year, kind):
    from ..notice.word import notice_docx

    _assessment_round, content = _notice(request, year, kind)
    return _download(notice_docx(content), DOCX, content.docx_filename)
