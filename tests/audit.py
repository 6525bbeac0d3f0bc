"""Reading the audit log in tests: bulk paths (imports, jobs) write one entry carrying their change set (ADR 13)."""

from auditlog.models import LogEntry


def change_set_entry_of(instance):
    """The newest change-set entry that carries instance's row, and that row; fails when none does."""
    label = instance._meta.label_lower
    for entry in LogEntry.objects.filter(additional_data__has_key="change_set").order_by("-pk"):
        for row in entry.additional_data["change_set"]["rows"]:
            if row["model"] == label and str(row["pk"]) == str(instance.pk):
                return entry, row
    raise AssertionError(f"no change-set entry carries {label} #{instance.pk}")
