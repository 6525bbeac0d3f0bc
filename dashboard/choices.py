"""Vocabularies of the top floor: what a line of the to-do list (待办事项) is about, and the groups of the global
search. Values are the API's; labels are what users read."""

from django.db import models


class TodoKind(models.TextChoices):
    """Each kind of work the to-do list holds (issue 10, point 5); the values are GET /api/v1/todo/'s."""

    DRAFT = "draft", "待上报的候选镇申报"
    RETURNED = "returned", "被退回的候选镇申报"
    REVIEW = "review", "待审核推荐的候选镇申报"
    DECISION = "decision", "待审定的候选镇申报"
    PROGRESS_OVERDUE = "progress_overdue", "逾期未报送进度的项目"
    PROGRESS = "progress", "本期未报送进度的项目"
    TALK = "talk", "待落实的约谈"
    UNSCORED = "unscored", "未评分的示范镇"
    INCOMPLETE = "incomplete", "评分不完整的示范镇"
    UNPUBLISHED = "unpublished", "已计算待发布的年度评价"


class SearchKind(models.TextChoices):
    """The groups of the global search (issue 10, point 7), in the order they are shown."""

    REGION = "regions", "地区"
    TOWN = "towns", "乡镇"
    PROJECT = "projects", "建设项目"
    NOTICE = "notices", "通报"
    SUBMISSION = "submissions", "候选镇申报"
