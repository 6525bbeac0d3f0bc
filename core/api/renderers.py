import base64
import datetime
import decimal
import hashlib
import uuid

import orjson
from django.utils.functional import Promise
from rest_framework import renderers
from rest_framework.renderers import JSONRenderer


def _default(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, (uuid.UUID, datetime.tzinfo)):
        return str(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "__iter__"):
        return list(value)
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


class ORJSONRenderer(JSONRenderer):
    """DRF's JSON renderer on orjson: the same output (UTF-8, no ASCII escaping), several times faster."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)


# The style attributes of DRF's own browsable-API templates (rest_framework 3.18), allowed by their hashes
# with 'unsafe-hashes' on the browsable pages only: any other style attribute stays refused there, and the
# portal's own pages allow none (issue 12, point 5; tests/e2e/test_content_security_policy.py).
BROWSABLE_API_STYLE_ATTRIBUTES = (
    "border-bottom: 0",
    "border-bottom: 1px solid #e5e5e5",
    "border: none",
    "clear: both",
    "float: right",
    "float: right; margin-right: 10px",
    "float:left",
    "margin-top: 30px",
    "margin: 0 0 20px;",
    "width: 320px; margin-left: auto; margin-right: auto",
    "width: 350px",
)


def style_hash(value):
    return "'sha256-" + base64.b64encode(hashlib.sha256(value.encode()).digest()).decode() + "'"


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, with the Content-Security-Policy its templates need (django-csp reads the
    response's _csp_update, as its csp_update decorator sets it)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = {
                "style-src": [
                    "'unsafe-hashes'",
                    *(style_hash(value) for value in BROWSABLE_API_STYLE_ATTRIBUTES),
                ]
            }
        return super().render(data, accepted_media_type, renderer_context)

    def get_context(self, data, accepted_media_type, renderer_context):
        context = super().get_context(data, accepted_media_type, renderer_context)
        # Pygments' CSS for highlighted Markdown would be an inline <style> (style-src 'self' refuses it).
        context["code_style"] = None
        return context
