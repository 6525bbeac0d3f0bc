"""The upload pages of funding's imports (R6): thin views over core's two-step import (core.import_views); the
preview, the confirm, the result and the template are core's pages. Linked by the 导入 buttons of the quota and
allocation lists for the users who may import."""

from django.contrib.auth.decorators import login_required

from core import import_views

from .services import ALLOCATION_IMPORT, QUOTA_IMPORT


@login_required
def quota_import(request):
    """The quota import (province_admin): the quota list's export, edited, or the template."""
    return import_views.upload_page(request, QUOTA_IMPORT)


@login_required
def allocation_import(request):
    """The allocation import (province_admin, or a city's officials for their city's projects)."""
    return import_views.upload_page(request, ALLOCATION_IMPORT)
