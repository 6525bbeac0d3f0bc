"""Vocabularies of candidate selection (R3). Values are the API's; labels are what users read."""

import re

from django.db import models


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "草稿（县级填报）"
    SUBMITTED = "submitted", "已上报，待市级审核"
    RECOMMENDED = "recommended", "市级已推荐，待省级审定"
    SELECTED = "selected", "已入选"
    REJECTED = "rejected", "未入选"

    @property
    def short_label(self) -> str:
        """The state alone, as badges and refusals name it: 草稿, 已上报, 市级已推荐, 已入选, 未入选 (the label
        before its note of who acts next)."""
        return re.split("[（，]", self.label, maxsplit=1)[0]


class SubmissionAction(models.TextChoices):
    SUBMIT = "submit", "上报"
    RECOMMEND = "recommend", "推荐"
    RETURN = "return", "退回修改"
    SELECT = "select", "审定入选"
    REJECT = "reject", "审定不入选"


class DocumentKind(models.TextChoices):
    WORK_PLAN = "work_plan", "“十四五”建设工作方案"
    IMPLEMENTATION_PLAN = "implementation_plan", "实施方案"
