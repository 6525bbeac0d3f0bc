"""Selection moved out of towns into its own app (issue 9) without touching a table: a database holding
submissions in the old layout (towns 0005, before selection 0001) migrates to the new one with every row,
id and value unchanged, the content types follow the models (audit log entries and permissions keep
pointing at them), and the move can be reversed and applied again. Runs on PostgreSQL and on SQLite."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from selection.models import SelectionRound, Submission, SubmissionDocument, SubmissionEvent

pytestmark = pytest.mark.django_db(transaction=True)

OLD_TOWNS = ("towns", "0005_backfill_submission_event_actor_role")
# towns at 0005 and no selection migration applied: the selection models are still towns'.
OLD_LAYOUT = [OLD_TOWNS, ("selection", None)]
MOVED = ("selectionround", "submission", "submissiondocument", "submissionevent")


def migrate(targets):
    """Migrate the test database to targets; return the models as they are there (historical apps)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    nodes = [target for target in targets if target[1] is not None]
    return executor.loader.project_state(nodes).apps


def table_shapes():
    """Columns and constraint names of the four tables, as the database has them."""
    with connection.cursor() as cursor:
        return {
            table: (
                sorted(
                    column.name for column in connection.introspection.get_table_description(cursor, table)
                ),
                sorted(connection.introspection.get_constraints(cursor, table)),
            )
            for table in (
                "towns_selectionround",
                "towns_submission",
                "towns_submissiondocument",
                "towns_submissionevent",
            )
        }


# Columns that migrations after the move added (selection 0003: the versions of issue 12's no-lost-updates).
ADDED_AFTER_THE_MOVE = {"towns_selectionround": {"version"}, "towns_submission": {"version"}}


def shapes_before_later_additions(shapes):
    return {
        table: (
            [c for c in columns if c not in ADDED_AFTER_THE_MOVE.get(table, ())],
            # A positive integer column comes with its CHECK constraint, named after it.
            [
                name
                for name in constraints
                if not any(f"_{c}_" in name for c in ADDED_AFTER_THE_MOVE.get(table, ()))
            ],
        )
        for table, (columns, constraints) in shapes.items()
    }


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_layout():
    """The database as it was before the move; whatever the test does, it ends at the latest migrations."""
    apps = migrate(OLD_LAYOUT)
    try:
        yield apps
    finally:
        migrate(latest())
        ContentType.objects.clear_cache()


def fill_old_layout(apps):
    """A round, a selected submission with its designation, a document and two events, written through the
    historical towns models (the real geography's codes: 长春市双阳区鹿乡镇)."""
    Region = apps.get_model("towns", "Region")
    Town = apps.get_model("towns", "Town")
    Designation = apps.get_model("towns", "Designation")
    User = apps.get_model("accounts", "User")
    ContentTypeThen = apps.get_model("contenttypes", "ContentType")
    PermissionThen = apps.get_model("auth", "Permission")

    # The geography may be loaded already (the session's divisions) or flushed by an earlier test.
    province, _ = Region.objects.get_or_create(code="22", defaults={"name": "吉林省", "level": "province"})
    city, _ = Region.objects.get_or_create(
        code="2201", defaults={"name": "长春市", "level": "city", "parent": province}
    )
    county, _ = Region.objects.get_or_create(
        code="220112", defaults={"name": "双阳区", "level": "county", "parent": city}
    )
    town, _ = Town.objects.get_or_create(
        code="220112102",
        defaults={"name": "鹿乡镇", "kind": "town", "county": county, "city": city, "province": province},
    )
    county_user = User.objects.create(username="migration_county", role="county_official", region=county)
    admin = User.objects.create(username="migration_admin", role="province_admin")
    designation = Designation.objects.create(
        town=town, tier="county", from_year=2022, began="selected", doc_no="吉示范镇办〔2022〕1号"
    )
    selection_round = apps.get_model("towns", "SelectionRound").objects.create(
        name="2022年第一批示范镇评选",
        tiers=["provincial", "city", "county"],
        deadline=datetime.date(2022, 4, 30),
        year=2022,
        created_by=admin,
    )
    submission = apps.get_model("towns", "Submission").objects.create(
        round=selection_round,
        town=town,
        tier="county",
        status="selected",
        registered_population=41000,
        gdp=Decimal("280000.50"),
        characteristic_industry="梅花鹿养殖",
        in_changchun_metro=True,
        decision_doc_no="吉示范镇办〔2022〕1号",
        designation=designation,
        created_by=county_user,
    )
    document = apps.get_model("towns", "SubmissionDocument").objects.create(
        submission=submission,
        kind="work_plan",
        file=f"submissions/{selection_round.pk}/0123456789abcdef.pdf",
        original_name="鹿乡镇十四五建设工作方案.pdf",
        file_type="pdf",
        size=2048,
        sha256="a" * 64,
        uploaded_by=county_user,
    )
    SubmissionEventThen = apps.get_model("towns", "SubmissionEvent")
    submitted = SubmissionEventThen.objects.create(
        submission=submission,
        action="submit",
        from_status="draft",
        to_status="submitted",
        actor=county_user,
        actor_role="county_official",
        at=timezone.now() - datetime.timedelta(days=2),
        comment="请市住建局审核。",
    )
    refused = SubmissionEventThen.objects.create(
        submission=submission,
        action="select",
        from_status="submitted",
        actor=county_user,
        actor_role="county_official",
        accepted=False,
        refusal="只有省级管理员可以审定入选。",
    )
    content_type, _ = ContentTypeThen.objects.get_or_create(app_label="towns", model="submission")
    permission, _ = PermissionThen.objects.get_or_create(
        content_type=content_type, codename="change_submission", defaults={"name": "Can change 候选镇申报"}
    )
    return {
        "round": selection_round.pk,
        "submission": submission.pk,
        "document": document.pk,
        "events": (submitted.pk, refused.pk),
        "designation": designation.pk,
        "county_user": county_user.pk,
        "admin": admin.pk,
        "content_type": content_type.pk,
        "permission": permission.pk,
    }


def assert_new_layout_holds(ids):
    ContentType.objects.clear_cache()
    selection_round = SelectionRound.objects.get(pk=ids["round"])
    assert (selection_round.name, selection_round.tiers, selection_round.deadline, selection_round.year) == (
        "2022年第一批示范镇评选",
        ["provincial", "city", "county"],
        datetime.date(2022, 4, 30),
        2022,
    )
    assert selection_round.created_by_id == ids["admin"]

    submission = Submission.objects.with_town().get(pk=ids["submission"])
    assert submission.round_id == ids["round"]
    assert (submission.town_id, submission.town.name, submission.town.county_id) == (
        "220112102",
        "鹿乡镇",
        "220112",
    )
    assert (submission.tier, submission.status) == ("county", "selected")
    assert submission.registered_population == 41000
    assert submission.gdp == Decimal("280000.50")
    assert submission.characteristic_industry == "梅花鹿养殖"
    assert submission.in_changchun_metro is True
    assert submission.priority_factor_labels == ["长春都市圈"]
    assert submission.decision_doc_no == "吉示范镇办〔2022〕1号"
    assert submission.designation_id == ids["designation"]
    assert submission.designation.submission == submission  # the reverse accessor towns' designations keep
    assert submission.created_by_id == ids["county_user"]

    document = SubmissionDocument.objects.get(pk=ids["document"])
    assert document.submission_id == ids["submission"]
    assert document.file.name == f"submissions/{ids['round']}/0123456789abcdef.pdf"
    assert (document.original_name, document.size, document.sha256) == (
        "鹿乡镇十四五建设工作方案.pdf",
        2048,
        "a" * 64,
    )
    assert list(submission.documents.values_list("pk", flat=True)) == [ids["document"]]

    events = list(SubmissionEvent.objects.filter(submission_id=ids["submission"]).order_by("id"))
    assert [event.pk for event in events] == list(ids["events"])
    assert [(e.action, e.accepted, e.actor_id, e.actor_role) for e in events] == [
        ("submit", True, ids["county_user"], "county_official"),
        ("select", False, ids["county_user"], "county_official"),
    ]
    assert events[0].comment == "请市住建局审核。"
    assert events[1].refusal == "只有省级管理员可以审定入选。"

    # The content type row itself moved: same id, so audit log entries and permissions still point at it.
    content_type = ContentType.objects.get_for_model(Submission)
    assert (content_type.pk, content_type.app_label, content_type.model) == (
        ids["content_type"],
        "selection",
        "submission",
    )
    assert Permission.objects.get(pk=ids["permission"]).content_type_id == content_type.pk
    assert not ContentType.objects.filter(app_label="towns", model__in=MOVED).exists()


def assert_old_layout_holds(apps, ids):
    assert apps.get_model("towns", "Submission").objects.get(pk=ids["submission"]).gdp == Decimal("280000.50")
    assert apps.get_model("towns", "SubmissionDocument").objects.get(pk=ids["document"]).sha256 == "a" * 64
    assert (
        apps.get_model("towns", "SubmissionEvent").objects.filter(submission_id=ids["submission"]).count()
        == 2
    )
    content_type = apps.get_model("contenttypes", "ContentType").objects.get(pk=ids["content_type"])
    assert (content_type.app_label, content_type.model) == ("towns", "submission")


def test_an_old_database_with_submissions_migrates_to_the_selection_app_and_back(old_layout):
    ids = fill_old_layout(old_layout)
    shapes = table_shapes()

    migrate(latest())
    assert_new_layout_holds(ids)
    # The move touched no column, index or constraint.
    assert shapes_before_later_additions(table_shapes()) == shapes

    assert_old_layout_holds(migrate(OLD_LAYOUT), ids)

    migrate(latest())
    assert_new_layout_holds(ids)


def test_the_tables_keep_their_names():
    assert [
        model._meta.db_table for model in (SelectionRound, Submission, SubmissionDocument, SubmissionEvent)
    ] == [
        "towns_selectionround",
        "towns_submission",
        "towns_submissiondocument",
        "towns_submissionevent",
    ]
    tables = set(connection.introspection.table_names())
    assert {
        "towns_selectionround",
        "towns_submission",
        "towns_submissiondocument",
        "towns_submissionevent",
    } <= tables
    assert not any(table.startswith("selection_") for table in tables)
