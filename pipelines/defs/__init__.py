"""Dagster wiring: thin assets, checks and resources over the plain functions of the package."""
