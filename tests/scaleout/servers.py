"""The scale-out profile's servers, started on loopback for a test and stopped by it: redis-server (the Celery
broker), PostgreSQL (the Dagster instance), moto (S3-compatible object storage) and Celery workers.

Each server runs in its own process group on a free port, with its files in a temporary folder; ``stop()``
kills the whole group (SIGTERM, then SIGKILL), so nothing outlives the test even when it fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]
#: Where PostgreSQL's server programs are: Debian's versioned folders (newest first), then the PATH's usual places.
PG_BIN_DIRS = (*sorted((str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")), reverse=True), "/usr/local/bin")


#: The Celery workers the scale-out tests start.
WORKERS = ("w1", "w2")
#: Figures measured by the tests, printed at the end of the session (and written to $XXGK_SCALEOUT_REPORT).
#: Here rather than in conftest.py: pytest imports a conftest under another module name than the tests do.
MEASURED: dict[str, float | str] = {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(
    check: Callable[[], bool], what: str, timeout: float = 60.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll ``check`` until it is true; fail early if ``process`` (the server being waited for) exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}")
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.2)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def pg_tool(name: str) -> str:
    for folder in PG_BIN_DIRS:
        if (Path(folder) / name).exists():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"PostgreSQL's {name} not found (apt-get install postgresql)")
    return found


@dataclass
class Server:
    """A started process (group leader of its own group), its port and log file."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    after_stop: list[Callable[[], None]] = field(default_factory=list)

    def stop(self, grace: float = 10.0) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(grace)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # anything the group still holds (children)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        for step in self.after_stop:
            with contextlib.suppress(Exception):
                step()


@dataclass
class Stack:
    """The running servers and the environment that selects the scale-out profile for a process."""

    env: dict[str, str]
    dagster_home: Path
    lake_url: str
    servers: list[Server] = field(default_factory=list)

    def worker_logs(self) -> dict[str, str]:
        return {s.name: s.log.read_text(errors="replace") for s in self.servers if s.name in WORKERS}


def spawn(
    name: str, command: Sequence[str], log: Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``command`` in a new session (its own process group), output appended to ``log``."""
    handle = log.open("ab")
    try:
        return subprocess.Popen(
            list(command), stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
        )
    finally:
        handle.close()


def start_redis(folder: Path) -> Server:
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "redis.log"
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = spawn("redis", [*command, "--dir", str(folder)], log)
    server = Server("redis", process, port, log)
    try:
        wait_for(lambda: port_open(port), "redis-server", process=process)
    except BaseException:
        server.stop()
        raise
    return server


def start_postgres(database: str = "dagster", user: str = "xxgk") -> tuple[Server, str]:
    """initdb into a new folder below /tmp, start on a free port (socket in that folder too), create
    ``database``; returns the server (which deletes the folder when stopped) and the database URL.

    As root, PostgreSQL runs as ``nobody``: the folder is made directly below /tmp, which nobody can reach
    (pytest's own temporary folders are private to root).
    """
    folder = Path(tempfile.mkdtemp(prefix="xxgk-postgres-"))
    data = folder / "data"
    log = folder / "postgres.log"
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as nobody, in a folder nobody owns
        shutil.chown(folder, "nobody")
        run_as = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
        env["HOME"] = str(folder)
    subprocess.run(
        [*run_as, pg_tool("initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8", "--no-instructions"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )
    if run_as:
        shutil.chown(log, "nobody")
    port = free_port()
    command = [*run_as, pg_tool("postgres"), "-D", str(data), "-p", str(port), "-k", str(folder), "-h", "127.0.0.1"]
    process = spawn("postgres", [*command, "-c", "fsync=off", "-c", "max_connections=200"], log, env=env)
    server = Server("postgres", process, port, log, after_stop=[lambda: shutil.rmtree(folder, ignore_errors=True)])
    try:
        wait_for(lambda: port_open(port), "postgres", process=process)
        wait_for(
            lambda: subprocess.run(
                [pg_tool("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user, database],
                capture_output=True,
                env=env,
            ).returncode
            == 0,
            "createdb",
            process=process,
        )
    except BaseException:
        server.stop()
        raise
    return server, f"postgresql+psycopg2://{user}@127.0.0.1:{port}/{database}"


def start_moto(folder: Path, bucket: str) -> tuple[Server, str]:
    """moto's S3-compatible server on a free port with ``bucket`` created; returns the server and endpoint."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "moto.log"
    process = spawn("moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], log)
    server = Server("moto", process, port, log)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: port_open(port), "moto_server", process=process)
        import s3fs

        fs = s3fs.S3FileSystem(endpoint_url=endpoint, key="test", secret="test", skip_instance_cache=True)
        fs.mkdir(bucket)
    except BaseException:
        server.stop()
        raise
    return server, endpoint


def start_worker(name: str, folder: Path, env: dict[str, str]) -> Server:
    """A Celery worker of the code location (one task at a time, in the worker process itself)."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"{name}.log"
    command = [
        str(BIN / "celery"),
        "-A",
        "dagster_celery.app",
        "worker",
        "-Q",
        "dagster",
        "-n",
        f"{name}@%h",
        "--pool",
        "solo",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    worker_env = {**env, "PYTHONPATH": os.pathsep.join([str(REPO / "deploy" / "scaleout"), str(REPO)])}
    process = spawn(name, command, log, env=worker_env, cwd=REPO)
    server = Server(name, process, 0, log)
    try:
        ready = f"{name}@"
        wait_for(
            lambda: any(ready in line and "ready." in line for line in log.read_text(errors="replace").splitlines()),
            f"celery worker {name}",
            timeout=120,
            process=process,
        )
    except BaseException:
        server.stop()
        raise
    return server
