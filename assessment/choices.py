"""The vocabularies of the annual assessment (R7–R9). Values are the API's; labels are what users read.
rules.py may import this module (and towns.choices): labels come from here, never from a second dictionary."""

from django.db import models


class Grade(models.TextChoices):
    """R7: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 below (thresholds are the round's settings)."""

    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class RoundState(models.TextChoices):
    OPEN = "open", "评分中"
    SCORING_CLOSED = "scoring_closed", "评分已截止"
    COMPUTED = "computed", "已计算（待发布）"
    PUBLISHED = "published", "已发布"


class JobState(models.TextChoices):
    IDLE = "idle", "未运行"
    QUEUED = "queued", "排队中"
    RUNNING = "running", "计算中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ResultStatus(models.TextChoices):
    PROPOSED = "proposed", "待发布"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已被更正替代"


class NoticeKind(models.TextChoices):
    PRAISE = "praise", "通报表扬"
    CRITICISM = "criticism", "通报批评"


class TalkStatus(models.TextChoices):
    PENDING = "pending", "待约谈"
    HELD = "held", "已约谈"
    CANCELLED = "cancelled", "已撤销（结果更正）"


class ChangeEffect(models.TextChoices):
    BEGAN = "began", "新增认定"
    ENDED = "ended", "终止认定"


class ChangeCause(models.TextChoices):
    ELIMINATION = "elimination", "淘汰"
    SUBSTITUTION = "substitution", "递补"
    ELIMINATION_REVERSED = "elimination_reversed", "撤销淘汰（更正）"
    SUBSTITUTION_REVOKED = "substitution_revoked", "撤销递补（更正）"
