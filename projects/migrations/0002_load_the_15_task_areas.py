"""The 5 groups and 15 task areas of the plan (四、), codes T01–T15 (R4). Written out here, not imported:
a migration must not depend on app code that may change after it."""

from django.db import migrations

GROUPS = {1: "产业项目", 2: "市政设施", 3: "公共事业", 4: "人居环境", 5: "体制机制"}
TASK_AREAS = [
    ("T01", 1, "园区基础设施"),
    ("T02", 1, "产业服务平台"),
    ("T03", 2, "生活服务设施"),
    ("T04", 2, "道路交通设施"),
    ("T05", 2, "环境基础设施"),
    ("T06", 3, "养老育幼"),
    ("T07", 3, "城乡基本公共服务均等化"),
    ("T08", 4, "设计引导和风貌管控"),
    ("T09", 4, "环境卫生保洁"),
    ("T10", 4, "镇区生产生活秩序"),
    ("T11", 4, "农村人居环境"),
    ("T12", 5, "资金投入机制"),
    ("T13", 5, "人才培养机制"),
    ("T14", 5, "长效帮扶机制"),
    ("T15", 5, "基层网格化治理机制"),
]


def load(apps, schema_editor):
    TaskArea = apps.get_model("projects", "TaskArea")
    for code, group, name in TASK_AREAS:
        TaskArea.objects.update_or_create(code=code, defaults={"name": name, "group": group, "group_name": GROUPS[group]})


def unload(apps, schema_editor):
    apps.get_model("projects", "TaskArea").objects.filter(code__in=[code for code, _, _ in TASK_AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_task_areas_projects_and_progress")]

    operations = [migrations.RunPython(load, unload)]
