"""The API's JSON body parser: every write of API v1 takes one JSON object."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ObjectJSONParser(JSONParser):
    """JSON whose top level is an object. A body of `null`, a list or a bare value would otherwise reach
    views that read fields of it and answer 500; it is refused with a Chinese 400 instead."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError('请求体应为 JSON 对象（{"字段": 值, …}）。')
        return data
