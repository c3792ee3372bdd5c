"""Celery settings of the scale-out profile's workers: ``dagster_celery.app`` imports this module when it is on
the workers' ``PYTHONPATH`` (``PYTHONPATH=deploy/scaleout celery -A dagster_celery.app worker -Q dagster``).

The broker and result backend are the ones the runs' executor uses (``pipelines.defs.executors``):
``$XXGK_CELERY_BROKER`` and ``$XXGK_CELERY_BACKEND`` (default: the broker).
"""

import os

broker_url = os.environ["XXGK_CELERY_BROKER"]
result_backend = os.environ.get("XXGK_CELERY_BACKEND") or broker_url
# One task at a time per worker process, none reserved ahead: a free worker takes the next step.
worker_prefetch_multiplier = 1
task_acks_late = True
