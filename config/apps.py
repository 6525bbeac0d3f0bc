"""The third-party apps the admin lists, under Chinese names (their models and fields are translated in
locale/zh_Hans; neither package ships Chinese)."""

from auditlog.apps import AuditlogConfig
from axes.apps import AppConfig as AxesConfig


class LoginSafetyConfig(AxesConfig):
    verbose_name = "登录安全"


class AuditTrailConfig(AuditlogConfig):
    verbose_name = "审计日志"
