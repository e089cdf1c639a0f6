"""Celery workers against the local Redis and PostgreSQL: real worker subprocesses run the
work; a killed worker's task completes on another; duplicate delivery leaves one result."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from kombu.connection import Connection
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from autoclaim.claims.models import Estimate, Event, WorkItem
from autoclaim.config import Settings
from autoclaim.service.app import create_app
from tests.pg import fresh_schema
from tests.scale.celery_workers import CeleryWorkers
from tests.scale.doubles import DELAY_ENV
from tests.service.conftest import ADMIN_KEY, make_key, wait_for_claim
from tests.service.doubles import document_bytes, photo_bytes
from tests.service.test_flow import FNOL

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

REDIS_DB = 13  # the tests' own Redis database; their queue name is unique per run


RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"


@contextmanager
def running_cluster(tmp_path: Path, broker: str) -> Iterator[tuple[TestClient, CeleryWorkers]]:
    """An API using the Celery runner on a fresh schema and queue, and its workers."""
    queue = f"autoclaim-test-{uuid.uuid4().hex[:10]}"
    with fresh_schema() as url:
        settings = Settings(
            var_dir=tmp_path / "var",
            database_url=url,
            log_json=False,
            admin_api_key=ADMIN_KEY,
            job_runner="celery",
            broker_url=broker,
            job_queue=queue,
            job_lease_seconds=2.0,
            job_visibility_timeout_seconds=4.0,
            photo_assessor="tests.scale.doubles:DelayedStatsAssessor",
            document_reader="tests.service.doubles:PngTextReader",
        )
        workers = CeleryWorkers(settings, tmp_path)
        try:
            with TestClient(create_app(settings)) as client:
                yield client, workers
        finally:
            workers.stop_all()
            forget_queue(broker, queue)


def forget_queue(broker: str, queue: str) -> None:
    """Delete the run's queue, and on Redis every key kombu made for it (bindings, unacked)."""
    with Connection(broker) as connection:  # type: ignore[no-untyped-call]
        connection.default_channel.queue_delete(queue)
    if broker.startswith("redis://"):
        client = redis.Redis.from_url(broker)
        # A killed worker's unacknowledged message would be restored by the next run's workers.
        for tag, entry in client.hgetall("unacked").items():
            if queue.encode() in entry:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
        for key in client.scan_iter(f"*{queue}*"):
            client.delete(key)
        client.close()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[TestClient, CeleryWorkers]]:
    with running_cluster(tmp_path, f"redis://127.0.0.1:6379/{REDIS_DB}") as running:
        yield running


def _count(client: TestClient, model: Any, *where: Any) -> int:
    with Session(client.app.state.engine) as s:  # type: ignore[attr-defined]
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _upload(client: TestClient, headers: dict[str, str], photos: int, seed: int) -> str:
    claim_id = str(client.post("/v1/claims", json=FNOL, headers=headers).json()["id"])
    files = [
        ("files", (f"p{i}.jpg", photo_bytes((200, 40, 30), seed=seed + i), "image/jpeg"))
        for i in range(photos)
    ]
    assert client.post(f"/v1/claims/{claim_id}/photos", files=files, headers=headers).is_success
    return claim_id


def test_work_runs_on_a_celery_worker(cluster: tuple[TestClient, CeleryWorkers]) -> None:
    client, workers = cluster
    workers.start("w1")
    claimant = make_key(client, "claimant")
    claim_id = _upload(client, claimant, photos=3, seed=1)
    doc = document_bytes("vehicle_licence", {"plate": "沪A12345"})
    files = [("files", ("xsz.png", doc, "image/png"))]
    response = client.post(
        f"/v1/claims/{claim_id}/documents",
        files=files,
        params={"doc_type": "vehicle_licence"},
        headers=claimant,
    )
    assert response.is_success, response.text
    body = wait_for_claim(client, claim_id, claimant, timeout=60)
    assert client.app.state.worker is None  # type: ignore[attr-defined]  # no thread in the API
    assert body["estimate"] is not None
    assert {p["status"] for p in body["photos"]} == {"assessed"}  # type: ignore[attr-defined]
    assert "autoclaim.process_work" in workers.log("w1")


def test_killed_workers_task_completes_on_another(
    cluster: tuple[TestClient, CeleryWorkers],
) -> None:
    client, workers = cluster
    workers.start("slow", {DELAY_ENV: "120"})
    claimant = make_key(client, "claimant")
    claim_id = _upload(client, claimant, photos=2, seed=1)
    deadline = time.monotonic() + 30
    while _count(client, WorkItem, WorkItem.status == "running") < 2:
        assert time.monotonic() < deadline, workers.log("slow")
        time.sleep(0.1)
    workers.kill("slow")  # mid-assessment
    workers.start("healthy")
    wait_for_claim(client, claim_id, claimant, timeout=60)
    photo_rows = WorkItem.kind == "assess_photo"
    assert _count(client, WorkItem, photo_rows, WorkItem.status == "done") == 2
    assert _count(client, WorkItem, photo_rows, WorkItem.attempts == 2) == 2
    assert _count(client, Event, Event.kind == "photos_assessed") == 1
    assert _count(client, Estimate, Estimate.claim_id == claim_id) == 1


def test_duplicate_delivery_leaves_one_result(cluster: tuple[TestClient, CeleryWorkers]) -> None:
    client, workers = cluster
    workers.start("w1")
    workers.start("w2")
    claimant = make_key(client, "claimant")
    claims = [_upload(client, claimant, photos=3, seed=10 * i) for i in range(3)]
    runner = client.app.state.job_runner  # type: ignore[attr-defined]
    for _ in range(5):  # the same task delivered again and again
        runner.app.send_task(
            "autoclaim.process_work", task_id="one-task", queue=runner.settings.job_queue
        )
    for claim_id in claims:
        wait_for_claim(client, claim_id, claimant, timeout=60)
    photo_rows = WorkItem.kind == "assess_photo"
    assert _count(client, WorkItem, photo_rows, WorkItem.status == "done") == 9
    assert _count(client, WorkItem, photo_rows, WorkItem.attempts != 1) == 0
    for claim_id in claims:
        assert _count(client, Estimate, Estimate.claim_id == claim_id) == 1
        assessed = _count(
            client, Event, Event.claim_id == claim_id, Event.kind == "photos_assessed"
        )
        assert assessed >= 1
    with Session(client.app.state.engine) as s:  # type: ignore[attr-defined]
        seen: list[str] = []
        for detail in s.scalars(select(Event.detail).where(Event.kind == "photos_assessed")):
            seen.extend(detail["photo_ids"])
    assert len(seen) == len(set(seen)) == 9  # every photo assessed once


def test_work_whose_message_was_lost_still_runs(
    cluster: tuple[TestClient, CeleryWorkers],
) -> None:
    client, workers = cluster
    workers.start("w1")
    client.app.state.store.on_work_enqueued = lambda: None  # type: ignore[attr-defined]
    claimant = make_key(client, "claimant")
    claim_id = _upload(client, claimant, photos=2, seed=1)  # persisted, never announced
    body = wait_for_claim(client, claim_id, claimant, timeout=60)  # the workers' sweep finds it
    assert body["estimate"] is not None
    assert client.app.state.job_runner.published == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("broker", ["redis://127.0.0.1:6399/0"])  # nothing listens there
def test_upload_succeeds_while_the_broker_is_down(tmp_path: Path, broker: str) -> None:
    settings = Settings(
        var_dir=tmp_path / "var",
        log_json=False,
        admin_api_key=ADMIN_KEY,
        job_runner="celery",
        broker_url=broker,
    )
    with TestClient(create_app(settings)) as client:
        claimant = make_key(client, "claimant")
        claim_id = _upload(client, claimant, photos=1, seed=1)
        assert _count(client, WorkItem, WorkItem.status == "queued") == 1  # kept for a worker
        assert client.get(f"/v1/claims/{claim_id}", headers=claimant).json()["pending_work"] == 1
        assert client.app.state.job_runner.published == 0  # type: ignore[attr-defined]


@pytest.mark.rabbitmq
def test_work_runs_with_a_rabbitmq_broker(tmp_path: Path) -> None:
    with running_cluster(tmp_path, RABBITMQ_URL) as (client, workers):
        workers.start("w1")
        claimant = make_key(client, "claimant")
        claim_id = _upload(client, claimant, photos=2, seed=1)
        body = wait_for_claim(client, claim_id, claimant, timeout=60)
        assert body["estimate"] is not None
        assert client.app.state.job_runner.published >= 1  # type: ignore[attr-defined]
