"""Vocabularies of the top floor. Values are the API's; labels are what users read."""

from django.db import models


class SearchKind(models.TextChoices):
    """The groups of the global search (issue 10, point 7), in the order they are shown."""

    REGION = "regions", "地区"
    TOWN = "towns", "乡镇"
    PROJECT = "projects", "建设项目"
    NOTICE = "notices", "通报"
    SUBMISSION = "submissions", "候选镇申报"
