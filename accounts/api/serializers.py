from rest_framework import serializers

from ..models import ApiToken


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(
        label="密码", max_length=128, write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )
    otp = serializers.CharField(
        label="动态口令",
        max_length=20,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="须使用双因素认证的角色（省级管理员、内部审计、系统/安全/审计管理员）必填："
        "身份验证器应用中的 6 位动态口令，或一个备用码（用后作废）。其他角色不填。",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(label="令牌", help_text="请求头 `Authorization: Token <令牌>`")
    expires_at = serializers.DateTimeField(label="到期时间")


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as listed: never its key (only the hash is kept), its first 8 characters to recognise it."""

    username = serializers.CharField(source="user.username", read_only=True, label="用户名")
    region = serializers.CharField(source="region_id", read_only=True, allow_null=True, label="限定地区")
    status = serializers.CharField(source="status_label", read_only=True, label="状态")

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "username",
            "prefix",
            "created_at",
            "expires_at",
            "read_only",
            "region",
            "last_used_at",
            "revoked_at",
            "status",
        ]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(label="名称", max_length=100)
    days = serializers.IntegerField(
        label="有效期（天）", required=False, min_value=1, help_text="默认 API_TOKEN_DEFAULT_DAYS（90）天"
    )
    read_only = serializers.BooleanField(label="只读", required=False, default=False)
    region = serializers.CharField(
        label="限定地区",
        required=False,
        allow_blank=True,
        help_text="市（州）或县（市、区）代码，须在您的范围内",
    )


class IssuedTokenSerializer(ApiTokenSerializer):
    key = serializers.CharField(read_only=True, label="令牌", help_text="只显示这一次，请妥善保存")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
        read_only_fields = fields
