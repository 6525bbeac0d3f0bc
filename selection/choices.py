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


class PriorityFactor(models.TextChoices):
    """The circumstances that put a candidate forward (plan 五、(一)); each value is the Submission's yes/no
    field of that name, each label its name."""

    IN_CHANGCHUN_METRO = "in_changchun_metro", "长春都市圈"
    NEAR_OTHER_CITY = "near_other_city", "其他城市周边"
    KEY_ASSISTANCE_COUNTY = "key_assistance_county", "省级乡村振兴重点帮扶县"
    BORDER_AREA = "border_area", "边境地区"
    SPATIAL_PLAN_NODE = "spatial_plan_node", "国土空间规划重要节点镇"

    @property
    def short_label(self) -> str:
        """The name as a narrow column head gives it (the review table): the label, shortened where long."""
        shortened = {
            PriorityFactor.KEY_ASSISTANCE_COUNTY: "重点帮扶县",
            PriorityFactor.SPATIAL_PLAN_NODE: "规划节点镇",
        }
        return shortened.get(self, self.label)
