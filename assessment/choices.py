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


class ReconcileAction(models.TextChoices):
    """R9 under corrections: what a publication does to a designation to bring what the year's earlier
    publications applied in line with its corrected result (the fields of rules.Reconciliation)."""

    RESTORE = "restore", "撤销淘汰，恢复省级示范镇"
    ELIMINATE = "eliminate", "淘汰，终止省级认定"
    REVOKE = "revoke", "撤销递补，恢复原层级"
    PROMOTE = "promote", "递补为省级示范镇"


class ChangeKind(models.TextChoices):
    """What a what-if compares between the draft and the simulated year (rules.compare), in this order."""

    RANK = "rank", "排名"
    GRADE = "grade", "等次"
    PRAISE = "praise", NoticeKind.PRAISE.label
    CRITICISM = "criticism", NoticeKind.CRITICISM.label
    ELIMINATION = "elimination", ChangeCause.ELIMINATION.label
    SUBSTITUTE = "substitute", ChangeCause.SUBSTITUTION.label
    UNDER_MINIMUM = "under_minimum", "省级示范镇不足 2 个的市（州）"
