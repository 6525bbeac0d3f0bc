from rest_framework import serializers


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
