import datetime
import decimal
import uuid

import orjson
from django.utils.functional import Promise
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
