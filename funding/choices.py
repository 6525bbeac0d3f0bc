"""Vocabularies of funding (R6): defined with the projects they fund (projects lies below funding)."""

from projects.choices import BOND_KIND_OF_SOURCE, FundingSource

__all__ = ["BOND_KIND_OF_SOURCE", "FundingSource"]
