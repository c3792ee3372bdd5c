"""Which executor runs the steps of a job launched from this code location, chosen by configuration.

``XXGK_EXECUTOR`` unset (or ``multiprocess``): Dagster's default, each step in a child process of the run.
``XXGK_EXECUTOR=celery``: the scale-out profile (docs/scaleout.md): each step is a Celery task on the broker
``$XXGK_CELERY_BROKER`` (e.g. ``redis://127.0.0.1:6379/0``), picked up by whichever worker is free, with results
on ``$XXGK_CELERY_BACKEND`` (default: the broker). The workers need the same code location and a shared
Dagster instance (PostgreSQL, ``deploy/scaleout/dagster.yaml``).
``XXGK_EXECUTOR=k8s``: the Kubernetes profile (``deploy/k8s/``): each step in its own Kubernetes Job
(``dagster_k8s.k8s_job_executor``, configured by the run config's ``execution`` block); its configuration is
checked by the tests, not run here.

``make run`` and the tests build with ``dg.materialize`` (in process), which does not use this executor.
"""

from __future__ import annotations

import os

import dagster as dg

EXECUTOR_VARIABLE = "XXGK_EXECUTOR"
BROKER_VARIABLE = "XXGK_CELERY_BROKER"
BACKEND_VARIABLE = "XXGK_CELERY_BACKEND"


def executor_from_env() -> dg.ExecutorDefinition | None:
    """The executor ``XXGK_EXECUTOR`` names; None keeps Dagster's default (multiprocess)."""
    kind = os.environ.get(EXECUTOR_VARIABLE, "").strip().lower()
    if kind in ("", "multiprocess", "default"):
        return None
    if kind == "in_process":
        return dg.in_process_executor
    if kind == "celery":
        from dagster_celery import celery_executor

        broker = os.environ.get(BROKER_VARIABLE)
        if not broker:
            raise ValueError(f"{EXECUTOR_VARIABLE}=celery needs {BROKER_VARIABLE} (e.g. redis://127.0.0.1:6379/0)")
        executor: dg.ExecutorDefinition = celery_executor.configured(
            {"broker": broker, "backend": os.environ.get(BACKEND_VARIABLE) or broker}, name="celery"
        )
        return executor
    if kind == "k8s":
        from dagster_k8s import k8s_job_executor

        k8s: dg.ExecutorDefinition = k8s_job_executor
        return k8s
    raise ValueError(f"{EXECUTOR_VARIABLE}={kind!r}: choose multiprocess, in_process, celery or k8s")
