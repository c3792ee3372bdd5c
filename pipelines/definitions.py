"""The Dagster code location: ``dagster dev``, ``dg``, ``make ui`` and ``xxgk build`` load these."""

import dagster as dg

from pipelines.defs.assets import (
    LAKE_CHECKS,
    cross_findings,
    inbox_catalog,
    parsed_lake,
    trend_site,
    warehouse_tables,
)
from pipelines.defs.automation import daily_rescan, inbox_sensor, ingest_year
from pipelines.defs.resources import XxgkStorage

ALL_ASSETS = [inbox_catalog, parsed_lake, cross_findings, warehouse_tables, trend_site]
ALL_CHECKS = LAKE_CHECKS

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    resources={"storage": XxgkStorage()},
    jobs=[ingest_year],
    sensors=[inbox_sensor, dg.AutomationConditionSensorDefinition("marts_automation", target=dg.AssetSelection.all())],
    schedules=[daily_rescan],
)
