"""Start or stop the distributed setup on one machine, for development, tests and load tests.

    python scripts/cluster.py start   # API x2 (127.0.0.1:8101, :8102), Celery workers x2
    python scripts/cluster.py status
    python scripts/cluster.py stop

Against the local PostgreSQL (database `autoclaim_dev`, created when missing; migrated once
before the replicas start) and Redis; blobs in a directory every process shares (or a bucket:
`--blob-url s3://bucket/prefix --s3-endpoint-url URL`). Logs and the
process list live under `--var-dir` (default var/cluster). Stand-in analysers for a machine
without the models: `--photo-assessor tests.service.doubles:StatsAssessor
--document-reader tests.service.doubles:PngTextReader`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"


@dataclass
class ClusterConfig:
    """What to start, and where."""

    var_dir: Path = REPO / "var" / "cluster"
    database: str = "autoclaim_dev"
    api_ports: list[int] = field(default_factory=lambda: [8101, 8102])
    workers: int = 2
    broker_url: str = "redis://127.0.0.1:6379/0"
    queue: str = "autoclaim"
    admin_key: str = "ak_dev-cluster-admin-key-0000"
    photo_assessor: str | None = None
    document_reader: str | None = None
    blob_url: str | None = None  # default: var_dir/blobs
    s3_endpoint_url: str | None = None

    @property
    def database_url(self) -> str:
        return f"{POSTGRES}/{self.database}"

    @property
    def state_file(self) -> Path:
        return self.var_dir / "cluster.json"


def process_env(config: ClusterConfig, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCLAIM_")}
    env.update(
        PYTHONPATH=str(REPO),
        AUTOCLAIM_VAR_DIR=str(config.var_dir),
        AUTOCLAIM_DATABASE_URL=config.database_url,
        AUTOCLAIM_JOB_RUNNER="celery",
        AUTOCLAIM_BROKER_URL=config.broker_url,
        AUTOCLAIM_JOB_QUEUE=config.queue,
        AUTOCLAIM_ADMIN_API_KEY=config.admin_key,
    )
    if config.photo_assessor:
        env["AUTOCLAIM_PHOTO_ASSESSOR"] = config.photo_assessor
    if config.document_reader:
        env["AUTOCLAIM_DOCUMENT_READER"] = config.document_reader
    if config.blob_url:
        env["AUTOCLAIM_BLOB_URL"] = config.blob_url
    if config.s3_endpoint_url:
        env["AUTOCLAIM_S3_ENDPOINT_URL"] = config.s3_endpoint_url
    env.update(extra)
    return env


def spawn(args: list[str], env: dict[str, str], log_path: Path) -> int:
    """Start a process in its own process group (so stopping it takes its children)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            args, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    return proc.pid


def api_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "autoclaim.service.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def worker_command(config: ClusterConfig, name: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "autoclaim.claims.celery_jobs",
        "worker",
        "-Q",
        config.queue,
        "-n",
        f"{name}@%h",
        "--concurrency",
        "1",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "WARNING",
    ]


def wait_healthy(ports: list[int], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"API on 127.0.0.1:{port} did not become healthy")
            time.sleep(0.5)


def prepare_database(config: ClusterConfig) -> None:
    """Create the database when missing and apply migrations once (not per replica)."""
    from sqlalchemy import create_engine, text

    sys.path.insert(0, str(REPO))
    from autoclaim.claims.db import make_engine
    from autoclaim.claims.migrate import upgrade

    admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": config.database}
        ).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{config.database}"'))
    admin.dispose()
    engine = make_engine(config.database_url)
    upgrade(engine)
    engine.dispose()


def start(config: ClusterConfig) -> dict[str, int]:
    if config.state_file.exists():
        raise SystemExit(f"already started ({config.state_file}); run stop first")
    prepare_database(config)
    logs = config.var_dir / "logs"
    pids: dict[str, int] = {}
    for i in range(config.workers):
        name = f"worker{i + 1}"
        pids[name] = spawn(worker_command(config, name), process_env(config), logs / f"{name}.log")
    for port in config.api_ports:
        pids[f"api{port}"] = spawn(api_command(port), process_env(config), logs / f"api{port}.log")
    config.state_file.write_text(json.dumps(pids, indent=2))
    wait_healthy(config.api_ports)
    return pids


def stop_pids(pids: dict[str, int], timeout: float = 20.0) -> None:
    """SIGTERM each process group, then SIGKILL what is left after `timeout`."""
    for pid in pids.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for pid in pids.values():
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    try:  # reap it if it is our child (start and stop in one process: load tests)
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def stop(config: ClusterConfig) -> None:
    if not config.state_file.exists():
        print("not running")
        return
    stop_pids(json.loads(config.state_file.read_text()))
    config.state_file.unlink()


def status(config: ClusterConfig) -> None:
    if not config.state_file.exists():
        print("not running")
        return
    for name, pid in json.loads(config.state_file.read_text()).items():
        print(f"{name:12} pid {pid:7} {'running' if _alive(pid) else 'GONE'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["start", "stop", "status"])
    parser.add_argument("--var-dir", type=Path, default=ClusterConfig.var_dir)
    parser.add_argument("--database", default=ClusterConfig.database)
    parser.add_argument("--api-ports", type=int, nargs="+", default=[8101, 8102])
    parser.add_argument("--workers", type=int, default=ClusterConfig.workers)
    parser.add_argument("--broker-url", default=ClusterConfig.broker_url)
    parser.add_argument("--queue", default=ClusterConfig.queue)
    parser.add_argument("--photo-assessor", default=None)
    parser.add_argument("--document-reader", default=None)
    parser.add_argument("--blob-url", default=None, help="a directory or s3://bucket/prefix")
    parser.add_argument("--s3-endpoint-url", default=None, help="S3-compatible endpoint")
    args = parser.parse_args()
    config = ClusterConfig(
        var_dir=args.var_dir.resolve(),
        database=args.database,
        api_ports=args.api_ports,
        workers=args.workers,
        broker_url=args.broker_url,
        queue=args.queue,
        photo_assessor=args.photo_assessor,
        document_reader=args.document_reader,
        blob_url=args.blob_url,
        s3_endpoint_url=args.s3_endpoint_url,
    )
    if args.command == "start":
        pids = start(config)
        ports = ", ".join(f"http://127.0.0.1:{p}" for p in config.api_ports)
        print(f"started {len(pids)} processes; API at {ports}; logs in {config.var_dir}/logs")
        print(f"admin key: {config.admin_key}")
    elif args.command == "stop":
        stop(config)
    else:
        status(config)


if __name__ == "__main__":
    main()
