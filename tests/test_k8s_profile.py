"""The Kubernetes profile (deploy/k8s/) is checked, not run: no cluster here.

Its instance file must pass Dagster's own instance schema, and each configurable class it names (the
PostgreSQL storage, the queued run coordinator, ``K8sRunLauncher``) must accept its config block under that
class's schema, with the environment variables it reads resolved. Its run config must be valid for the build's
jobs when the code location selects the Kubernetes executor (``XXGK_EXECUTOR=k8s``), and the same holds for the
scale-out profile's instance file (deploy/scaleout/) and the Celery executor.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml
from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config

from pipelines.definitions import ALL_ASSETS, ALL_CHECKS
from pipelines.defs.automation import BUILD_JOBS
from pipelines.defs.executors import executor_from_env
from pipelines.defs.resources import XxgkStorage

REPO = Path(__file__).resolve().parents[1]
K8S = REPO / "deploy" / "k8s"
SCALEOUT = REPO / "deploy" / "scaleout"

ENV = {
    "DAGSTER_PG_HOST": "postgres.xxgk.svc",
    "DAGSTER_PG_USER": "dagster",
    "DAGSTER_PG_PASSWORD": "secret",
    "DAGSTER_PG_DB": "dagster",
    "XXGK_IMAGE": "registry.example/xxgk:1",
    "XXGK_PG_URL": "postgresql+psycopg2://xxgk@127.0.0.1:5432/dagster",
}


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)


def _class_config_ok(block: dict[str, Any]) -> None:
    """A ``module``/``class``/``config`` block: the class exists and its schema accepts the config."""
    klass = getattr(importlib.import_module(block["module"]), block["class"])
    result = process_config(klass.config_type(), block.get("config") or {})
    assert result.success, [error.message for error in result.errors or []]


@pytest.mark.parametrize("folder", [K8S, SCALEOUT], ids=["k8s", "scaleout"])
def test_instance_file_passes_dagsters_schema(folder: Path) -> None:
    config, _ = dagster_instance_config(str(folder))
    for section in ("run_launcher", "run_coordinator"):
        if section in config:
            _class_config_ok(dict(config[section]))
    from dagster_postgres import DagsterPostgresStorage

    result = process_config(DagsterPostgresStorage.config_type(), dict(config["storage"]["postgres"]))
    assert result.success, [error.message for error in result.errors or []]


def test_k8s_instance_launches_runs_as_kubernetes_jobs() -> None:
    config, _ = dagster_instance_config(str(K8S))
    assert (config["run_launcher"]["module"], config["run_launcher"]["class"]) == ("dagster_k8s", "K8sRunLauncher")
    assert "XXGK_EXECUTOR=k8s" in config["run_launcher"]["config"]["env_vars"]
    assert config["concurrency"]["pools"]["default_limit"] == 1  # one warehouse writer, as on one machine


def _jobs(executor: dg.ExecutorDefinition | None) -> dg.Definitions:
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=BUILD_JOBS,
        resources={"storage": XxgkStorage()},
        executor=executor,
    )


@pytest.mark.parametrize("job_name", ["catalog_inbox", "parse_year", "build_marts"])
def test_k8s_run_config_is_valid_for_the_build_jobs(monkeypatch: pytest.MonkeyPatch, job_name: str) -> None:
    monkeypatch.setenv("XXGK_EXECUTOR", "k8s")
    executor = executor_from_env()
    assert executor is not None and executor.name == "k8s"
    job = _jobs(executor).resolve_job_def(job_name)
    run_config = yaml.safe_load((K8S / "run_config.yaml").read_text())
    dg.validate_run_config(job, run_config)


def test_a_wrong_k8s_run_config_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XXGK_EXECUTOR", "k8s")
    job = _jobs(executor_from_env()).resolve_job_def("parse_year")
    run_config = yaml.safe_load((K8S / "run_config.yaml").read_text())
    run_config["execution"]["config"]["max_concurrent"] = "four"
    with pytest.raises(dg.DagsterInvalidConfigError):
        dg.validate_run_config(job, run_config)


def test_celery_executor_takes_its_broker_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XXGK_EXECUTOR", "celery")
    monkeypatch.delenv("XXGK_CELERY_BROKER", raising=False)
    with pytest.raises(ValueError, match="XXGK_CELERY_BROKER"):
        executor_from_env()
    monkeypatch.setenv("XXGK_CELERY_BROKER", "redis://127.0.0.1:6379/0")
    executor = executor_from_env()
    assert executor is not None and executor.name == "celery"
    job = _jobs(executor).resolve_job_def("parse_year")
    dg.validate_run_config(job, {})


def test_default_profile_keeps_dagsters_default_executor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XXGK_EXECUTOR", raising=False)
    assert executor_from_env() is None
    monkeypatch.setenv("XXGK_EXECUTOR", "spark")
    with pytest.raises(ValueError, match="choose"):
        executor_from_env()


def test_a_wrong_launcher_config_is_refused() -> None:
    config, _ = dagster_instance_config(str(K8S))
    block = dict(config["run_launcher"])
    block["config"] = {**block["config"], "job_namespce": "typo"}
    with pytest.raises(AssertionError):
        _class_config_ok(block)
