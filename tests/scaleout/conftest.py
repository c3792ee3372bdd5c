"""The scale-out stack for ``make test-scaleout``: real servers on loopback, started once, always stopped.

redis-server (Celery's broker and result backend), PostgreSQL (the Dagster instance: runs, events, pool
slots), moto (the S3-compatible lake) and two Celery workers of the code location, each in its own process
group; the session's finalizer stops every one of them, also when a test fails or the run is interrupted.
Missing server binaries fail the tests (CI installs them) rather than skip them.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scaleout.servers import (
    MEASURED,
    REPO,
    WORKERS,
    Server,
    Stack,
    start_moto,
    start_postgres,
    start_redis,
    start_worker,
)

BUCKET = "xxgk-lake"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if MEASURED:
        terminalreporter.section("scale-out measurements")
        for name, value in MEASURED.items():
            terminalreporter.write_line(f"{name}: {value:.1f} s" if isinstance(value, float) else f"{name}: {value}")
        report = os.environ.get("XXGK_SCALEOUT_REPORT")
        if report:
            Path(report).write_text(json.dumps(MEASURED, indent=2) + "\n")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    missing = [name for name in ("redis-server",) if shutil.which(name) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed (apt-get install redis-server)")
    folder = tmp_path_factory.mktemp("scaleout-stack")
    servers: list[Server] = []
    try:
        redis = start_redis(folder / "redis")
        servers.append(redis)
        postgres, database_url = start_postgres()
        servers.append(postgres)
        moto, endpoint = start_moto(folder / "moto", BUCKET)
        servers.append(moto)
        home = folder / "dagster_home"
        home.mkdir()
        shutil.copy(REPO / "deploy" / "scaleout" / "dagster.yaml", home / "dagster.yaml")
        broker = f"redis://127.0.0.1:{redis.port}/0"
        profile = {
            "DAGSTER_HOME": str(home),
            "XXGK_PG_URL": database_url,
            "XXGK_EXECUTOR": "celery",
            "XXGK_CELERY_BROKER": broker,
            "XXGK_CELERY_BACKEND": f"redis://127.0.0.1:{redis.port}/1",
            "XXGK_S3_ENDPOINT": endpoint,
            "XXGK_LAKE_URL": f"s3://{BUCKET}/xxgk",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        base = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "DAGSTER_", "AWS_"))}
        env = {**base, **profile}
        for name in WORKERS:
            servers.append(start_worker(name, folder / "workers", env))
        yield Stack(env=env, dagster_home=home, lake_url=profile["XXGK_LAKE_URL"], servers=servers)
    finally:
        for server in reversed(servers):
            server.stop()
