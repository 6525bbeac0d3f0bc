"""Vocabularies core owns: what an in-app notification is about, how its copies travel, and the states of a
tracked job."""

from django.db import models


class NotificationKind(models.TextChoices):
    """Each workflow event that tells the next actor (issue 10, point 4); the API filter `kind` takes these."""

    SUBMISSION_SUBMITTED = "submission_submitted", "候选镇已上报"
    SUBMISSION_RECOMMENDED = "submission_recommended", "候选镇市级已推荐"
    SUBMISSION_RETURNED = "submission_returned", "候选镇被退回修改"
    SUBMISSION_DECIDED = "submission_decided", "候选镇省级审定"
    ASSESSMENT_COMPUTED = "assessment_computed", "年度评价已计算"
    NOTICE_PUBLISHED = "notice_published", "通报已发布"
    TALK_CREATED = "talk_created", "约谈已安排"
    TALK_DUE = "talk_due", "约谈待落实"
    PROGRESS_REMINDER = "progress_reminder", "进度报送提醒"
    PROGRESS_OVERDUE = "progress_overdue", "进度报送逾期"
    ALLOCATION_MADE = "allocation_made", "资金已下达"
    JOB_FINISHED = "job_finished", "后台任务已结束"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class JobState(models.TextChoices):
    """A tracked job (core.jobs): queued until a worker claims it, then running until it ends one of three
    ways. A worker that dies leaves it running only until its lease expires; the sweep records it failed."""

    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    CANCELLED = "cancelled", "已取消"


ACTIVE_JOB_STATES = frozenset({JobState.QUEUED, JobState.RUNNING})


class RowStatus(models.TextChoices):
    """What an import would do with one row of its file (core.imports)."""

    NEW = "new", "新增"
    CHANGED = "changed", "修改"
    UNCHANGED = "unchanged", "未变"
    ERROR = "error", "错误"


class ImportState(models.TextChoices):
    """A staged upload (core.ImportBatch): previewed until confirmed; applying while its job runs; then applied
    or failed; expired once its file is purged unconfirmed (settings.IMPORT_RETENTION_DAYS)."""

    PREVIEWED = "previewed", "待确认"
    APPLYING = "applying", "正在导入"
    APPLIED = "applied", "已导入"
    FAILED = "failed", "导入失败"
    EXPIRED = "expired", "已过期"


class SecurityEventKind(models.TextChoices):
    """A security event (等保 安全审计, issue 12): who signed in or failed to, what was denied, exported, read by a
    partner's token, and what the administrators did to accounts. core.security_log records them."""

    LOGIN_SUCCEEDED = "login_succeeded", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKED_OUT = "locked_out", "账户锁定"
    UNLOCKED = "unlocked", "账户解锁"
    LOGGED_OUT = "logged_out", "退出登录"
    SESSION_REPLACED = "session_replaced", "会话被新登录取代"
    SESSION_EXPIRED = "session_expired", "会话超时"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    PASSWORD_EXPIRED = "password_expired", "密码过期"
    OTP_ENROLLED = "otp_enrolled", "绑定双因素认证"
    OTP_VERIFIED = "otp_verified", "双因素认证通过"
    OTP_FAILED = "otp_failed", "双因素认证失败"
    OTP_RESET = "otp_reset", "重置双因素认证"
    BACKUP_CODES_ISSUED = "backup_codes_issued", "生成备用码"
    TOKEN_ISSUED = "token_issued", "签发 API 令牌"
    TOKEN_REVOKED = "token_revoked", "吊销 API 令牌"
    TOKEN_REJECTED = "token_rejected", "API 令牌被拒绝"
    API_READ = "api_read", "合作机构读取数据"
    ACCESS_DENIED = "access_denied", "拒绝访问"
    ROLE_CHANGED = "role_changed", "变更角色或范围"
    EXPORTED = "exported", "导出"
    DOWNLOADED = "downloaded", "下载文件"
    JOB_STARTED = "job_started", "后台任务开始"
    JOB_ENDED = "job_ended", "后台任务结束"
    AUDIT_EXPORTED = "audit_exported", "导出审计日志"
    AUDIT_PURGED = "audit_purged", "清理过期审计记录"
    BACKUP_MADE = "backup_made", "备份"
    RESTORED = "restored", "恢复"
    UPLOAD_REFUSED = "upload_refused", "拒绝上传文件"
