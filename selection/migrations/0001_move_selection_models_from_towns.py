"""Selection (R3) becomes its own app: its four models move here from towns without touching a table.

The state gets the models (same fields, constraints and indexes, `db_table` the old names); the database is
left alone. The content types of the four models are relabelled towns → selection, so that audit log entries
and permissions keep pointing at them. towns 0006 then removes the models from towns' state.
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import selection.models

MOVED_MODELS = ("selectionround", "submission", "submissiondocument", "submissionevent")


def _relabel(apps, schema_editor, old_label, new_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MOVED_MODELS:
        if content_types.filter(app_label=new_label, model=model).exists():
            continue
        content_types.filter(app_label=old_label, model=model).update(app_label=new_label)


def move_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, "towns", "selection")


def restore_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, "selection", "towns")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('towns', '0005_backfill_submission_event_actor_role'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SelectionRound',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('name', models.CharField(max_length=120, unique=True, verbose_name='名称')),
                        ('tiers', models.JSONField(default=list, help_text='provincial / city / county 中的一个或多个', verbose_name='评选层级')),
                        ('deadline', models.DateField(verbose_name='申报截止日期')),
                        ('year', models.PositiveSmallIntegerField(help_text='入选后认定的起始年度', validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='认定年度')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                    ],
                    options={
                        'verbose_name': '评选批次',
                        'verbose_name_plural': '评选批次',
                        'db_table': 'towns_selectionround',
                        'ordering': ['-deadline', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Submission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('tier', models.CharField(choices=[('provincial', '省级'), ('city', '市级'), ('county', '县级')], max_length=16, verbose_name='申报层级')),
                        ('status', models.CharField(choices=[('draft', '草稿（县级填报）'), ('submitted', '已上报，待市级审核'), ('recommended', '市级已推荐，待省级审定'), ('selected', '已入选'), ('rejected', '未入选')], db_index=True, default='draft', max_length=16, verbose_name='状态')),
                        ('registered_population', models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(10000000)], verbose_name='户籍人口（人）')),
                        ('resident_population', models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(10000000)], verbose_name='常住人口（人）')),
                        ('area_km2', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100000'))], verbose_name='面积（平方公里）')),
                        ('gdp', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('10000000.00'))], verbose_name='地区生产总值（万元）')),
                        ('fiscal_revenue', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('10000000.00'))], verbose_name='一般公共预算收入（万元）')),
                        ('characteristic_industry', models.CharField(blank=True, max_length=100, verbose_name='特色产业（一镇一业）')),
                        ('industrial_park', models.CharField(blank=True, help_text='园区名称；没有则留空', max_length=100, verbose_name='产业园区')),
                        ('distance_to_county_km', models.DecimalField(blank=True, decimal_places=2, max_digits=7, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('2000'))], verbose_name='距县城（公里）')),
                        ('distance_to_city_km', models.DecimalField(blank=True, decimal_places=2, max_digits=7, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('2000'))], verbose_name='距最近城市（公里）')),
                        ('in_changchun_metro', models.BooleanField(default=False, verbose_name='长春都市圈')),
                        ('near_other_city', models.BooleanField(default=False, verbose_name='其他城市周边')),
                        ('key_assistance_county', models.BooleanField(default=False, verbose_name='省级乡村振兴重点帮扶县')),
                        ('border_area', models.BooleanField(default=False, verbose_name='边境地区')),
                        ('spatial_plan_node', models.BooleanField(default=False, verbose_name='国土空间规划重要节点镇')),
                        ('decision_doc_no', models.CharField(blank=True, max_length=100, verbose_name='审定文号')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='填报人')),
                        ('designation', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='submission', to='towns.designation', verbose_name='入选后的认定')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='selection.selectionround', verbose_name='评选批次')),
                        ('town', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='towns.town', verbose_name='候选镇')),
                    ],
                    options={
                        'verbose_name': '候选镇申报',
                        'verbose_name_plural': '候选镇申报',
                        'db_table': 'towns_submission',
                        'ordering': ['-round__deadline', 'town_id'],
                    },
                ),
                migrations.CreateModel(
                    name='SubmissionDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('kind', models.CharField(choices=[('work_plan', '“十四五”建设工作方案'), ('implementation_plan', '实施方案')], max_length=32, verbose_name='材料类型')),
                        ('file', models.FileField(max_length=255, upload_to=selection.models.submission_document_path, verbose_name='文件')),
                        ('original_name', models.CharField(max_length=255, verbose_name='原文件名')),
                        ('file_type', models.CharField(max_length=8, verbose_name='文件格式')),
                        ('size', models.PositiveIntegerField(verbose_name='大小（字节）')),
                        ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='selection.submission', verbose_name='申报')),
                        ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='上传人')),
                    ],
                    options={
                        'verbose_name': '申报材料',
                        'verbose_name_plural': '申报材料',
                        'db_table': 'towns_submissiondocument',
                        'ordering': ['submission_id', 'kind'],
                    },
                ),
                migrations.CreateModel(
                    name='SubmissionEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('submit', '上报'), ('recommend', '推荐'), ('return', '退回修改'), ('select', '审定入选'), ('reject', '审定不入选')], max_length=16, verbose_name='操作')),
                        ('from_status', models.CharField(choices=[('draft', '草稿（县级填报）'), ('submitted', '已上报，待市级审核'), ('recommended', '市级已推荐，待省级审定'), ('selected', '已入选'), ('rejected', '未入选')], max_length=16, verbose_name='原状态')),
                        ('to_status', models.CharField(blank=True, choices=[('draft', '草稿（县级填报）'), ('submitted', '已上报，待市级审核'), ('recommended', '市级已推荐，待省级审定'), ('selected', '已入选'), ('rejected', '未入选')], max_length=16, verbose_name='新状态')),
                        ('actor_role', models.CharField(blank=True, choices=[('province_admin', '省级管理员'), ('province_viewer', '省直部门（只读）'), ('city_official', '市（州）工作人员'), ('county_official', '县（市、区）工作人员'), ('partner', '合作机构（API）'), ('auditor', '内部审计')], help_text='记录时操作人的角色（之后改变角色不影响记录）；空为未知', max_length=32, verbose_name='操作人角色')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='时间')),
                        ('comment', models.TextField(blank=True, verbose_name='意见')),
                        ('doc_no', models.CharField(blank=True, max_length=100, verbose_name='文号')),
                        ('accepted', models.BooleanField(default=True, verbose_name='是否执行')),
                        ('refusal', models.CharField(blank=True, max_length=300, verbose_name='拒绝原因')),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='selection.submission', verbose_name='申报')),
                    ],
                    options={
                        'verbose_name': '申报流转记录',
                        'verbose_name_plural': '申报流转记录',
                        'db_table': 'towns_submissionevent',
                        'ordering': ['-at', '-id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='submission',
                    constraint=models.UniqueConstraint(fields=('round', 'town'), name='one_submission_per_town_and_round', violation_error_message='该镇在本批次中已有申报。'),
                ),
                migrations.AddConstraint(
                    model_name='submission',
                    constraint=models.CheckConstraint(condition=models.Q(('tier__in', ['provincial', 'city', 'county'])), name='submission_tier_valid'),
                ),
                migrations.AddConstraint(
                    model_name='submission',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'submitted', 'recommended', 'selected', 'rejected'])), name='submission_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='submissiondocument',
                    constraint=models.UniqueConstraint(fields=('submission', 'kind'), name='one_document_per_kind'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
