"""Real Celery worker subprocesses for tests: started, killed and always cleaned up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from autoclaim.config import REPO_ROOT, Settings


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that gives a worker process the same settings as `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOCLAIM_")}
    env.update(
        PYTHONPATH=str(REPO_ROOT),
        AUTOCLAIM_VAR_DIR=str(settings.var_dir),
        AUTOCLAIM_DATABASE_URL=settings.resolved_database_url(),
        AUTOCLAIM_JOB_RUNNER="celery",
        AUTOCLAIM_BROKER_URL=settings.broker_url,
        AUTOCLAIM_JOB_QUEUE=settings.job_queue,
        AUTOCLAIM_JOB_LEASE_SECONDS=str(settings.job_lease_seconds),
        AUTOCLAIM_JOB_VISIBILITY_TIMEOUT_SECONDS=str(settings.job_visibility_timeout_seconds),
        AUTOCLAIM_PHOTO_ASSESSOR=settings.photo_assessor or "",
        AUTOCLAIM_DOCUMENT_READER=settings.document_reader or "",
        AUTOCLAIM_LOG_JSON="false",
    )
    env.update(extra)
    return env


class CeleryWorkers:
    """Named worker processes (each in its own process group, so a kill takes its pool)."""

    def __init__(self, settings: Settings, log_dir: Path) -> None:
        self.settings = settings
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def start(self, name: str, env: dict[str, str] | None = None, timeout: float = 60.0) -> None:
        """Start worker `name` and wait until its pool process has loaded the analysers."""
        log_file = (self.log_dir / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "autoclaim.claims.celery_jobs",
                "worker",
                "-Q",
                self.settings.job_queue,
                "-n",
                f"{name}@%h",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=REPO_ROOT,
            env=worker_env(self.settings, **(env or {})),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while "ready." not in self.log(name):
            if self.procs[name].poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"worker {name} did not start:\n{self.log(name)}")
            time.sleep(0.2)

    def kill(self, name: str) -> None:
        """SIGKILL the worker and its pool: no clean shutdown, no acknowledgement."""
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for proc in self.procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        self.procs.clear()
