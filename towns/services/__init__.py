"""Writes of the towns app, one transaction per operation: designations (R2). Candidate selection (R3) is
the selection app, which designates through designations.py."""

from .designations import (
    DESIGNATION_IMPORT,
    DesignationWrite,
    ImportSummary,
    change_tier,
    correct_designation,
    designate,
    import_designations,
    may_change_tiers,
    write_designations,
)

__all__ = [
    "DESIGNATION_IMPORT",
    "DesignationWrite",
    "ImportSummary",
    "change_tier",
    "correct_designation",
    "designate",
    "import_designations",
    "may_change_tiers",
    "write_designations",
]
