"""Writes of the towns app, one transaction per operation: designations (R2) and candidate selection (R3)."""

from .designations import (
    DESIGNATION_COLUMNS,
    DESIGNATION_OPTIONAL_COLUMNS,
    ImportSummary,
    change_tier,
    designate,
    import_designations,
)

__all__ = [
    "DESIGNATION_COLUMNS",
    "DESIGNATION_OPTIONAL_COLUMNS",
    "ImportSummary",
    "change_tier",
    "designate",
    "import_designations",
]
