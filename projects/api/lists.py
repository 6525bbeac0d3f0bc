"""ValuesListMixin for lists whose items carry timestamps (shared by the projects and funding APIs).

values_list() hands back aware datetimes in UTC, which the JSON renderer would write as "…+00:00"; the
serializer writes them in the portal's time zone ("…+08:00"). The keys named in `list_formatted` are
rendered through the serializer's own field, so a list item stays equal to the serializer's, key for key.
"""

from core.api.values_list import ValuesListMixin


class FormattedValuesListMixin(ValuesListMixin):
    list_formatted: tuple[str, ...] = ()

    def get_paginated_response(self, data):
        if self.action == "list" and self.list_formatted:
            fields = self.get_serializer_class()().fields
            for item in data:
                for key in self.list_formatted:
                    if item[key] is not None:
                        item[key] = fields[key].to_representation(item[key])
        return super().get_paginated_response(data)
