"""Load test: the distributed setup (API x2 + Celery workers x2 on PostgreSQL and Redis) and
the embedded default (one process, SQLite, worker threads), driven by locust from 127.0.0.1.

    nice -n 10 .venv/bin/python scripts/loadtest.py --duration 60 --users 10

Each setup starts fresh (new database / folder), runs `scripts/locustfile.py` headless for
`--duration` seconds (FNOL + photo uploads + reads), then reports: photos assessed per second
during the run (work items finished inside the window), request latency p50/p95/p99, the
error count, the backlog left when the load stopped, and CPU seconds the setup's processes
used (the per-core basis for sizing). Results: var/loadtest/results.json and a Markdown
table on stdout. Stand-in analysers by default (`--photo-assessor` to change).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from cluster import REPO, ClusterConfig, api_command, process_env, spawn, start, stop_pids

sys.path.insert(0, str(REPO))
from sqlalchemy import create_engine, text

OUT = REPO / "var" / "loadtest"
ADMIN_KEY = "ak_loadtest-admin-key-000000"
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    setup: str
    duration_s: float
    users: int
    requests: int
    errors: int
    photos_uploaded: int
    photos_assessed: int
    photos_per_s: float
    backlog_at_end: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    photo_upload_p95_ms: float
    read_p95_ms: float
    cpu_s: float
    worker_cpu_s: float | None
    photos_per_cpu_s: float
    photos_per_worker_cpu_s: float | None


def group_cpu_seconds(pgids: list[int]) -> float:
    """CPU seconds (user + system) used so far by the live processes of these groups."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            rest = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(rest[2]) in pgids:
            total += int(rest[11]) + int(rest[12])
    return total / TICKS


def run_locust(hosts: list[str], duration: int, users: int, prefix: Path) -> None:
    env = {
        **os.environ,
        "LOADTEST_HOSTS": ",".join(hosts),
        "LOADTEST_ADMIN_KEY": ADMIN_KEY,
    }
    subprocess.run(
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(REPO / "scripts" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{duration}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--exit-code-on-error",
            "0",
        ],
        env=env,
        check=True,
        timeout=duration + 120,
        stdout=subprocess.DEVNULL,
        stderr=(prefix.parent / f"{prefix.name}-locust.log").open("w"),
    )


def read_stats(prefix: Path) -> dict[str, dict[str, str]]:
    with Path(f"{prefix}_stats.csv").open() as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def photo_counts(database_url: str, since: datetime, until: datetime) -> tuple[int, int, int]:
    """(photos uploaded, photo assessments finished in [since, until], photo items not done)."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        uploaded = conn.execute(text("SELECT count(*) FROM photos")).scalar_one()
        rows = conn.execute(
            text(
                "SELECT finished_at FROM work_items WHERE kind = 'assess_photo' AND status = 'done'"
            )
        ).scalars()
        assessed = 0
        for finished in rows:
            if isinstance(finished, str):
                finished = datetime.fromisoformat(finished)
            if finished.tzinfo is None:
                finished = finished.replace(tzinfo=UTC)
            assessed += since <= finished <= until
        backlog = conn.execute(
            text(
                "SELECT count(*) FROM work_items "
                "WHERE kind = 'assess_photo' AND status IN ('queued', 'running')"
            )
        ).scalar_one()
    engine.dispose()
    return int(uploaded), assessed, int(backlog)


def measure(
    setup: str,
    hosts: list[str],
    pgids: dict[str, int],
    database_url: str,
    args: argparse.Namespace,
) -> Result:
    """Run the load on `hosts`; `pgids` names the setup's process groups (workers: 'worker*')."""
    prefix = OUT / setup
    workers = [pid for name, pid in pgids.items() if name.startswith("worker")]
    cpu_before = group_cpu_seconds(list(pgids.values()))
    worker_cpu_before = group_cpu_seconds(workers)
    since = datetime.now(UTC)
    run_locust(hosts, args.duration, args.users, prefix)
    until = datetime.now(UTC)
    cpu = group_cpu_seconds(list(pgids.values())) - cpu_before
    worker_cpu = group_cpu_seconds(workers) - worker_cpu_before if workers else None
    uploaded, assessed, backlog = photo_counts(database_url, since, until)
    stats = read_stats(prefix)
    total = stats["Aggregated"]
    seconds = (until - since).total_seconds()
    return Result(
        setup=setup,
        duration_s=round(seconds, 1),
        users=args.users,
        requests=int(total["Request Count"]),
        errors=int(total["Failure Count"]),
        photos_uploaded=uploaded,
        photos_assessed=assessed,
        photos_per_s=round(assessed / seconds, 2),
        backlog_at_end=backlog,
        p50_ms=float(total["50%"]),
        p95_ms=float(total["95%"]),
        p99_ms=float(total["99%"]),
        photo_upload_p95_ms=float(stats.get("photos", total)["95%"]),
        read_p95_ms=float(stats.get("read", total)["95%"]),
        cpu_s=round(cpu, 1),
        worker_cpu_s=round(worker_cpu, 1) if worker_cpu is not None else None,
        photos_per_cpu_s=round(assessed / cpu, 2) if cpu else 0.0,
        photos_per_worker_cpu_s=round(assessed / worker_cpu, 2) if worker_cpu else None,
    )


def distributed(args: argparse.Namespace) -> Result:
    database = "autoclaim_loadtest"
    admin = create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    admin.dispose()
    config = ClusterConfig(
        var_dir=OUT / "distributed",
        database=database,
        api_ports=[8111, 8112],
        workers=2,
        queue=f"autoclaim-loadtest-{uuid.uuid4().hex[:8]}",
        admin_key=ADMIN_KEY,
        photo_assessor=args.photo_assessor,
        document_reader=args.document_reader,
    )
    pids = start(config)
    try:
        hosts = [f"http://127.0.0.1:{port}" for port in config.api_ports]
        return measure("distributed", hosts, pids, config.database_url, args)
    finally:
        stop_pids(pids)
        config.state_file.unlink(missing_ok=True)
        forget_queue(config.broker_url, config.queue)


def forget_queue(broker: str, queue: str) -> None:
    """Delete the run's Redis keys (queue, kombu bindings): each run uses a fresh queue."""
    import redis

    client = redis.Redis.from_url(broker)
    for key in client.scan_iter(f"*{queue}*"):
        client.delete(key)
    client.close()


def embedded(args: argparse.Namespace) -> Result:
    var_dir = OUT / "embedded"
    subprocess.run(["rm", "-rf", str(var_dir)], check=True)
    config = ClusterConfig(var_dir=var_dir, admin_key=ADMIN_KEY)
    env = process_env(config)
    for name in ("AUTOCLAIM_DATABASE_URL", "AUTOCLAIM_BROKER_URL", "AUTOCLAIM_JOB_QUEUE"):
        env.pop(name)
    env["AUTOCLAIM_JOB_RUNNER"] = "embedded"
    env["AUTOCLAIM_PHOTO_ASSESSOR"] = args.photo_assessor
    env["AUTOCLAIM_DOCUMENT_READER"] = args.document_reader
    port = 8121
    pid = spawn(api_command(port), env, var_dir / "logs" / "api.log")
    try:
        from cluster import wait_healthy

        wait_healthy([port])
        url = f"sqlite:///{var_dir / 'autoclaim.sqlite3'}"
        return measure("embedded", [f"http://127.0.0.1:{port}"], {"api": pid}, url, args)
    finally:
        stop_pids({"api": pid})


def table(results: list[Result]) -> str:
    rows = [
        ("photos assessed / s", "photos_per_s"),
        ("photos assessed (uploaded)", None),
        ("backlog when load stopped", "backlog_at_end"),
        ("requests", "requests"),
        ("errors", "errors"),
        ("latency p50 / p95 / p99 (ms)", None),
        ("photo upload p95 (ms)", "photo_upload_p95_ms"),
        ("claim read p95 (ms)", "read_p95_ms"),
        ("CPU s used by the setup (API + workers)", "cpu_s"),
        ("... of which Celery workers", "worker_cpu_s"),
        ("photos per CPU-second (API + workers)", "photos_per_cpu_s"),
        ("photos per worker CPU-second", "photos_per_worker_cpu_s"),
    ]
    lines = ["| | " + " | ".join(r.setup for r in results) + " |"]
    lines.append("|---" * (len(results) + 1) + "|")
    for label, key in rows:
        cells = []
        for r in results:
            if label.startswith("photos assessed ("):
                cells.append(f"{r.photos_assessed} ({r.photos_uploaded})")
            elif label.startswith("latency"):
                cells.append(f"{r.p50_ms:.0f} / {r.p95_ms:.0f} / {r.p99_ms:.0f}")
            else:
                value = getattr(r, key or "")
                cells.append("n/a (in the API process)" if value is None else str(value))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per setup")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--setups", nargs="+", default=["distributed", "embedded"])
    parser.add_argument("--photo-assessor", default="tests.service.doubles:StatsAssessor")
    parser.add_argument("--document-reader", default="tests.service.doubles:PngTextReader")
    args = parser.parse_args()
    if not 5 <= args.duration <= 300:
        raise SystemExit("--duration must be 5..300 seconds (the load test is bounded)")
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for setup in args.setups:
        results.append(distributed(args) if setup == "distributed" else embedded(args))
        time.sleep(2)
    (OUT / "results.json").write_text(json.dumps([asdict(r) for r in results], indent=2))
    print(table(results))


if __name__ == "__main__":
    main()
