"""Fixtures of the scale-out tests: fenced stores (on the shared `engine`s), and the
Redis / RabbitMQ rule.

`redis` and `rabbitmq` tests mirror `postgres` ones: they skip with a reason on a machine
without the local broker (or without the `scale` extra), and fail instead in CI.
"""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path

import pytest
from sqlalchemy import Engine

from autoclaim.claims.blobs import FileBlobStore
from autoclaim.claims.jobs import FencedClaimStore
from autoclaim.claims.migrate import upgrade
from tests.conftest import _missing


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def pytest_runtest_setup(item: pytest.Item) -> None:
    brokers = {"redis": ("Redis", 6379), "rabbitmq": ("RabbitMQ", 5672)}
    for marker, (name, port) in brokers.items():
        if item.get_closest_marker(marker):
            if importlib.util.find_spec("celery") is None:
                _missing("Celery not installed (pip install 'autoclaim[scale]')")
            if not _reachable(port):
                _missing(f"{name} not reachable on 127.0.0.1:{port}")


@pytest.fixture
def store(engine: Engine) -> FencedClaimStore:
    upgrade(engine)
    return FencedClaimStore(engine)


@pytest.fixture
def blobs(tmp_path: Path) -> FileBlobStore:
    return FileBlobStore(tmp_path / "blobs")
