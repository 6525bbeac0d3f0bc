"""三员 (issue 12): province_admin rows lose the superuser flag (it is the break-glass account's alone) and
is_staff follows "may use the admin site"; the keys of DRF's authtoken table become ApiTokens (hashed), so
that the tokens partners hold keep working after rest_framework.authtoken leaves INSTALLED_APPS."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

ADMIN_SITE_ROLES = ["province_admin", "system_admin", "security_admin", "audit_admin"]


def separate_superuser(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="province_admin").update(is_superuser=False)
    User.objects.filter(role__in=ADMIN_SITE_ROLES).update(is_staff=True)
    User.objects.exclude(role__in=ADMIN_SITE_ROLES).filter(is_superuser=False).update(is_staff=False)


def restore_superuser(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="province_admin").update(is_superuser=True, is_staff=True)


def move_authtoken_keys(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    now = timezone.now()
    for key, user_id, created in rows:
        digest = hashlib.sha256(key.encode()).hexdigest()
        if ApiToken.objects.filter(key_hash=digest).exists():
            continue
        ApiToken.objects.create(
            user_id=user_id,
            name="原有令牌",
            key_hash=digest,
            prefix=key[:8],
            created_at=created or now,
            expires_at=now + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS),
            read_only=False,
        )


def forget_moved_keys(apps, schema_editor):
    # The authtoken rows were left in place; the copies made of them go.
    apps.get_model("accounts", "ApiToken").objects.filter(name="原有令牌").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
    ]

    operations = [
        migrations.RunPython(separate_superuser, restore_superuser),
        migrations.RunPython(move_authtoken_keys, forget_moved_keys),
    ]
