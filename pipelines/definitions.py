"""The Dagster code location: ``dagster dev``, ``dg``, ``make ui``, ``xxgk build`` and the scale-out profile's
Celery workers load these. One set of definitions for every profile: the executor comes from ``XXGK_EXECUTOR``
(``pipelines.defs.executors``), the lake's place from ``XXGK_LAKE_URL`` and the instance from ``DAGSTER_HOME``."""

import dagster as dg

from pipelines.defs.assets import (
    LAKE_CHECKS,
    cross_findings,
    inbox_catalog,
    parsed_lake,
    trend_site,
    warehouse_tables,
)
from pipelines.defs.automation import BUILD_JOBS, daily_rescan, inbox_sensor, ingest_year
from pipelines.defs.executors import executor_from_env
from pipelines.defs.resources import XxgkStorage

ALL_ASSETS = [inbox_catalog, parsed_lake, cross_findings, warehouse_tables, trend_site]
ALL_CHECKS = LAKE_CHECKS

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    resources={"storage": XxgkStorage()},
    jobs=[ingest_year, *BUILD_JOBS],
    sensors=[inbox_sensor, dg.AutomationConditionSensorDefinition("marts_automation", target=dg.AssetSelection.all())],
    schedules=[daily_rescan],
    executor=executor_from_env(),
)
