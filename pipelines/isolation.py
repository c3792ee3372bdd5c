"""Run one piece of work per document in a worker process, under a time and a memory budget.

Inbox files come from the open web: a truncated PDF, a zip bomb, a page of deeply nested markup, or a
crawled table whose digits take the splitter a minute. Each document is therefore read in a worker process
of a small persistent pool, so that whatever one document does, only that document is lost:

- **time**: a document still being read after ``timeout`` seconds (``XXGK_PARSE_TIMEOUT``, default 60) is
  stopped: its worker is killed and replaced, and the document comes back as an ``Outcome`` with the reason
  ``took longer than 60 s``;
- **memory**: each worker runs with its address space limited (``RLIMIT_AS``) to ``memory_mb``
  (``XXGK_PARSE_MEMORY_MB``, default 2048): an allocation past it raises ``MemoryError`` in the worker,
  which reports ``needed more than 2048 MB`` and is replaced (its heap may be fragmented);
- **crashes**: a worker that dies (segfault in a C extension, ``SIGKILL`` from outside, ``os._exit``) is
  noticed through its process sentinel; its document comes back with the signal or exit code, the worker
  is replaced and the others go on.

The common case stays fast: workers are forked from a forkserver that has already imported the parser
(``pipelines.parse``), are kept between calls (a build parses one report year after another in the same
process), and receive one task at a time over a pipe, so a timeout is per document, not per batch.
``concurrent.futures`` cannot do this: it never stops a task that overruns, and one dead worker breaks the
whole pool. Setting ``XXGK_PARSE_ISOLATION=off`` runs everything in the calling process (for a debugger
or a profiler), with no budget.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from pipelines.processes import process_alive

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_MEMORY_MB = 2048
#: Modules the forkserver imports once, so that a new worker (also one replacing a killed worker) starts in
#: milliseconds with the parser already loaded.
PRELOAD = ("pipelines.parse", "pipelines.lake")


@dataclass(frozen=True)
class Budget:
    """What one document may cost: wall-clock seconds and megabytes of address space (0: no limit)."""

    seconds: float = DEFAULT_TIMEOUT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB

    @classmethod
    def from_env(cls) -> Budget:
        """``XXGK_PARSE_TIMEOUT`` (seconds) and ``XXGK_PARSE_MEMORY_MB``, else the defaults."""
        return cls(
            seconds=_env_number("XXGK_PARSE_TIMEOUT", DEFAULT_TIMEOUT_SECONDS),
            memory_mb=int(_env_number("XXGK_PARSE_MEMORY_MB", DEFAULT_MEMORY_MB)),
        )

    def describe_timeout(self) -> str:
        return f"took longer than {self.seconds:g} s (XXGK_PARSE_TIMEOUT); stopped"

    def describe_memory(self) -> str:
        return f"needed more than {self.memory_mb} MB of memory (XXGK_PARSE_MEMORY_MB); stopped"


def _env_number(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError as error:
        raise ValueError(f"{name} must be a number, not {text!r}") from error
    if value < 0:
        raise ValueError(f"{name} must not be negative, not {text!r}")
    return value


def isolation_enabled() -> bool:
    """False when ``XXGK_PARSE_ISOLATION`` is ``off``/``0``/``no``: work runs in the calling process."""
    return os.environ.get("XXGK_PARSE_ISOLATION", "on").strip().lower() not in ("off", "0", "no", "false")


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What became of one task: its ``value``, or why there is none (``reason``, and ``kind`` of failure).

    ``kind`` is ``ok``, ``timeout``, ``memory``, ``crashed`` (the worker died) or ``error`` (the function
    raised; ``reason`` holds the exception).
    """

    value: R | None
    kind: str = "ok"
    reason: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


# ----------------------------------------------------------------------------------------------- worker


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the process that started it dies (best effort elsewhere)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _worker(connection: Connection, memory_mb: int) -> None:
    """A worker's life: limit memory, then run one task per message until told to stop or the pipe closes.

    Each task is acknowledged with ``("started", None)`` once its message (and so the task's function and its
    module) is loaded; then comes ``("ok", value)``, ``("memory", None)`` (then the worker exits, to start again
    clean) or ``("error", "Type: message")``.
    """
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        function, argument = message
        try:  # the task's module is imported now: its budget starts from here
            connection.send(("started", None))
        except (OSError, ValueError):
            return
        try:
            reply: tuple[str, Any] = ("ok", function(argument))
        except MemoryError:
            reply = ("memory", None)
        except Exception as error:
            reply = ("error", f"{type(error).__name__}: {error}")
        try:
            connection.send(reply)
        except MemoryError:
            reply = ("memory", None)
            with contextlib.suppress(Exception):
                connection.send(reply)
        except Exception as error:  # e.g. a value that cannot be pickled
            with contextlib.suppress(Exception):
                connection.send(("error", f"result could not be returned: {type(error).__name__}: {error}"))
        if reply[0] == "memory":
            return


# ------------------------------------------------------------------------------------------------- pool


@dataclass
class _Slot:
    """One worker process, its end of the pipe, and the task it is working on (index and start time)."""

    process: BaseProcess
    connection: Connection
    task: int | None = None
    started: float = 0.0
    acknowledged: bool = False  # the worker said it started the task: the time budget runs from ``started``


def _death_reason(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the parser process died ({name}) while reading it; the other documents were not affected"
    return f"the parser process exited (code {code}) while reading it; the other documents were not affected"


#: Seconds a worker may take to start a task it was handed (a new worker's start, the task's module import)
#: before the task is given up as timed out: on a loaded machine that can take longer than a document's own
#: budget, which starts only once the worker has the task in hand.
STARTUP_ALLOWANCE = 120.0


def _allowed(slot: _Slot, timeout: float) -> float:
    return timeout if slot.acknowledged else max(timeout, STARTUP_ALLOWANCE)


class IsolatedPool:
    """A pool of ``workers`` processes, each under ``budget.memory_mb``; ``map`` applies a time budget per task.

    Workers are started on demand and kept for later calls; a worker that overran, ran out of memory or died
    is replaced. ``close`` stops them all (also run at interpreter exit).
    """

    def __init__(self, workers: int, budget: Budget) -> None:
        self.size = max(1, workers)
        self.budget = budget
        self._context: ForkServerContext = multiprocessing.get_context("forkserver")
        self._slots: list[_Slot] = []
        self._lock = threading.Lock()
        self._owner = os.getpid()
        #: How many workers were started and replaced since the pool was made (for tests and metadata).
        self.started = 0

    def _start(self) -> _Slot:
        with contextlib.suppress(Exception):
            self._context.set_forkserver_preload(list(PRELOAD))
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_worker, args=(child, self.budget.memory_mb), name="xxgk-parse-worker", daemon=True
        )
        process.start()
        child.close()
        self.started += 1
        return _Slot(process, parent)

    def _retire(self, slot: _Slot) -> None:
        """Kill a worker (it overran, or died) and forget it."""
        with contextlib.suppress(Exception):
            if slot.process.is_alive():
                slot.process.kill()
            slot.process.join(5)
        with contextlib.suppress(Exception):
            slot.connection.close()
        if slot in self._slots:
            self._slots.remove(slot)

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[Outcome[R]]:
        """``function(item)`` for every item, each in a worker, in order; never raises for a task's failure.

        ``function`` must be importable by name (a module-level function), and items and results picklable.
        """
        with self._lock:
            return self._map(function, items)

    def _map(self, function: Callable[[T], R], items: Sequence[T]) -> list[Outcome[R]]:
        outcomes: list[Outcome[R] | None] = [None] * len(items)
        pending = deque(range(len(items)))
        timeout = self.budget.seconds if self.budget.seconds > 0 else None
        for dead in [s for s in self._slots if not s.process.is_alive()]:
            self._retire(dead)
        while pending or any(slot.task is not None for slot in self._slots):
            # hand out work: idle workers first, then new ones up to the pool's size
            while pending:
                slot = next((s for s in self._slots if s.task is None), None)
                if slot is None:
                    if len(self._slots) >= min(self.size, len(items)):
                        break
                    slot = self._start()
                    self._slots.append(slot)
                index = pending.popleft()
                try:
                    slot.connection.send((function, items[index]))
                except (OSError, ValueError):  # the worker died while idle: replace it, retry the task
                    self._retire(slot)
                    pending.appendleft(index)
                    continue
                except Exception as error:  # the task does not pickle: nothing was written to the pipe
                    reason = f"cannot hand to a worker: {type(error).__name__}: {error}"
                    outcomes[index] = Outcome(None, "error", reason)
                    continue
                slot.task, slot.started, slot.acknowledged = index, time.monotonic(), False
            busy = [s for s in self._slots if s.task is not None]
            wait_for: float | None = None
            if timeout is not None:
                wait_for = max(0.0, min(s.started + _allowed(s, timeout) for s in busy) - time.monotonic())
            ready = set(wait([s.connection for s in busy] + [s.process.sentinel for s in busy], wait_for))
            now = time.monotonic()
            for slot in busy:
                assert slot.task is not None
                index, elapsed = slot.task, now - slot.started
                if slot.connection in ready:
                    try:
                        kind, payload = slot.connection.recv()
                    except (EOFError, OSError):
                        slot.process.join(5)
                        outcomes[index] = Outcome(None, "crashed", _death_reason(slot.process), elapsed)
                        self._retire(slot)
                        continue
                    except Exception as error:  # a result that does not unpickle here
                        outcomes[index] = Outcome(None, "error", f"{type(error).__name__}: {error}", elapsed)
                        self._retire(slot)
                        continue
                    if kind == "started":
                        slot.started, slot.acknowledged = now, True
                        continue
                    if kind == "ok":
                        outcomes[index] = Outcome(payload, "ok", None, elapsed)
                    elif kind == "memory":
                        outcomes[index] = Outcome(None, "memory", self.budget.describe_memory(), elapsed)
                        self._retire(slot)
                        continue
                    else:
                        outcomes[index] = Outcome(None, "error", str(payload), elapsed)
                    slot.task = None
                elif slot.process.sentinel in ready:
                    slot.process.join(5)
                    outcomes[index] = Outcome(None, "crashed", _death_reason(slot.process), elapsed)
                    self._retire(slot)
                elif timeout is not None and elapsed >= _allowed(slot, timeout):
                    outcomes[index] = Outcome(None, "timeout", self.budget.describe_timeout(), elapsed)
                    self._retire(slot)
        return [outcome if outcome is not None else Outcome(None, "error", "not run") for outcome in outcomes]

    def close(self) -> None:
        """Stop every worker: ask politely, then kill what is left."""
        if os.getpid() != self._owner:
            return
        for slot in list(self._slots):
            with contextlib.suppress(Exception):
                if slot.task is None:
                    slot.connection.send(None)
        deadline = time.monotonic() + 2
        for slot in list(self._slots):
            slot.process.join(max(0.0, deadline - time.monotonic()))
            self._retire(slot)


_POOLS: dict[tuple[int, Budget], IsolatedPool] = {}
_POOLS_LOCK = threading.Lock()


def shared_pool(workers: int, budget: Budget) -> IsolatedPool:
    """The process-wide pool for this size and budget, made on first use (a fork gets its own)."""
    key = (workers, budget)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None or pool._owner != os.getpid():
            pool = IsolatedPool(workers, budget)
            _POOLS[key] = pool
        return pool


@atexit.register
def close_pools() -> None:
    """Stop every shared pool's workers (at interpreter exit, or when a test wants a clean slate)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()


def run_isolated(
    function: Callable[[T], R], items: Sequence[T], workers: int | None = None, budget: Budget | None = None
) -> list[Outcome[R]]:
    """``function`` over ``items``, each in an isolated worker under ``budget`` (default: from the environment).

    With ``XXGK_PARSE_ISOLATION=off`` the items run in this process, one after another, with no budget, and
    an exception is caught and returned as an ``error`` outcome all the same.
    """
    if not items:
        return []
    budget = budget or Budget.from_env()
    if not isolation_enabled():
        return [_in_process(function, item) for item in items]
    return shared_pool(max(1, workers or os.cpu_count() or 1), budget).map(function, items)


def _in_process(function: Callable[[T], R], item: T) -> Outcome[R]:
    started = time.monotonic()
    try:
        return Outcome(function(item), "ok", None, time.monotonic() - started)
    except Exception as error:
        return Outcome(None, "error", f"{type(error).__name__}: {error}", time.monotonic() - started)


# ---------------------------------------------------------------------------- runs whose process died


def release_abandoned_runs(instance: Any) -> list[str]:
    """Mark failed the Dagster runs whose process is gone, and free the pool slots they hold; returns their ids.

    A build killed in the middle (SIGKILL, a power cut, an out-of-memory kill) leaves its runs ``STARTED`` in
    a persistent instance, and a step it was running keeps its pool slot: with ``duckdb_writer`` limited to
    one, every later build then waits forever for the warehouse step. A run is abandoned when every process
    its event log names (``pid`` of its engine events: the process executing its steps) no longer exists on
    this machine; runs of a live process (another build, the UI's runs) are left alone. Call this before a
    build starts its runs (``instance`` is a ``dagster.DagsterInstance``).
    """
    import dagster as dg

    active = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.CANCELING]
    released = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=active)):
        pids = _run_pids(instance, run.run_id)
        if not pids or any(process_alive(pid) for pid in pids):
            continue
        gone = ", ".join(str(pid) for pid in sorted(pids))
        instance.report_run_failed(run, f"the process running it (pid {gone}) is gone; released by a later build")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        released.append(str(run.run_id))
    return released


def _run_pids(instance: Any, run_id: str) -> set[int]:
    """The process ids a run's engine events name (``pid`` metadata)."""
    import dagster as dg

    pids: set[int] = set()
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        data = record.dagster_event.engine_event_data if record.dagster_event else None
        value = data.metadata.get("pid") if data is not None else None
        text = str(getattr(value, "value", value) or "")
        if text.isdigit():
            pids.add(int(text))
    return pids


