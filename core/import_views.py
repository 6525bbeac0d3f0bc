"""The two-step import's pages (core.imports): an app's upload page calls `upload_page`; the preview, the
confirm, the result and the template are core's (/imports/<id>/, /imports/<id>/confirm/,
/imports/templates/<kind>.xlsx). A batch is its uploader's alone: anyone else gets the 404 of a missing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from . import import_batches
from .choices import ImportState, RowStatus
from .counting import ListPaginator
from .errors import DomainError
from .exports import workbook_response
from .forms import ImportUploadForm
from .imports import get_importer, template_workbook

PREVIEW_PAGE_SIZE = 100
RECENT_BATCHES = 5


def _importer_or_404(kind):
    try:
        return get_importer(kind)
    except DomainError:
        raise Http404("未找到。") from None


def _params_or_404(importer, raw):
    try:
        return importer.clean_params(raw)
    except DomainError:
        raise Http404("未找到。") from None


def _require_may_import(request, importer):
    if not importer.may_import(request.user):
        raise PermissionDenied(importer.denied_message())


def template_url(importer, params):
    url = reverse("import-template", args=[importer.kind])
    query = {key: value for key, value in params.items() if key in importer.parameters}
    return f"{url}?{urlencode(query)}" if query else url


def upload_page(request, kind, params=None):
    """The upload page of one kind of import (the app's URL calls this): the form, the columns it reads with
    what each holds, the template, and the user's last uploads of this kind. A good upload goes to its
    preview; a refused file (not what it claims, empty, unreadable, too large, too many rows, a missing
    column) is shown with its reason and stages nothing."""
    importer = _importer_or_404(kind)
    _require_may_import(request, importer)
    clean = _params_or_404(importer, params or {})
    form = ImportUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    failure = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_batches.stage_import(
                request.user, kind=kind, file_name=upload.name, data=upload.read(), params=clean
            )
        except DomainError as exc:
            failure = exc
        else:
            return redirect("import-preview", batch.pk)
    context = {
        "importer": importer,
        "title": importer.describe(clean),
        "breadcrumbs": importer.breadcrumbs(clean),
        "form": form,
        "failure": failure,
        "columns": importer.template_columns(clean),
        "notes": importer.template_notes(clean),
        "template_url": template_url(importer, clean),
        "recent": import_batches.batches_of(request.user).filter(kind=kind)[:RECENT_BATCHES],
    }
    refused = request.method == "POST" and (failure is not None or form.errors)
    return render(request, "core/import_upload.html", context, status=400 if refused else 200)


@login_required
def import_preview(request, pk):
    """The preview of a staged upload (and, once confirmed, its result): counts, each row's status with the
    before → after of changed fields or an error's reason, filtered by status, paginated."""
    batch = import_batches.batch_of(request.user, pk)
    if batch is None:
        raise Http404("未找到。")
    importer = _importer_or_404(batch.kind)
    status = request.GET.get("status", "")
    if status not in RowStatus.values:
        status = ""
    rows = import_batches.batch_rows(batch, status or None)
    page = ListPaginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = import_batches.shown_state(batch)
    counts = batch.counts
    context = {
        "batch": batch,
        "importer": importer,
        "breadcrumbs": importer.breadcrumbs(batch.params),
        "upload_url": importer.upload_url(batch.params),
        "return_url": importer.return_url(batch.params),
        "return_label": importer.return_label(batch.params),
        "shown": shown,
        "states": ImportState,
        "status": status,
        "filters": [("", "全部", batch.row_count)]
        + [(value, label, counts[value]) for value, label in RowStatus.choices],
        "page": page,
        "may_confirm": import_batches.may_confirm(batch),
        "result_message": import_batches.result_message(batch) if shown.state == ImportState.APPLIED else "",
    }
    return render(request, "core/import_preview.html", context)


@login_required
@require_POST
def import_confirm(request, pk):
    """Confirm a preview: applied now (then its result), or its job started (then the job's page); a stale
    preview writes nothing and is shown again, checked against today's data."""
    batch = import_batches.batch_of(request.user, pk)
    if batch is None:
        raise Http404("未找到。")
    try:
        confirmed = import_batches.confirm_import(request.user, batch=batch)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("import-preview", batch.pk)
    if confirmed.job is not None:
        return redirect("job-detail", confirmed.job.pk)
    if confirmed.stale:
        messages.warning(request, import_batches.STALE_MESSAGE)
        return redirect("import-preview", batch.pk)
    messages.success(request, import_batches.result_message(confirmed.batch))
    return redirect("import-preview", batch.pk)


@login_required
def import_template(request, kind):
    """The import's template: its columns as the export writes them, an example row and a notes sheet."""
    importer = _importer_or_404(kind)
    _require_may_import(request, importer)
    params = _params_or_404(importer, request.GET.dict())
    return workbook_response(template_workbook(importer, params), importer.template_filename(params))
