"""One blob-store contract, held by the directory store and by the S3 store (against moto's
S3 server, a real HTTP endpoint); and the service keeping its files in a bucket."""

from __future__ import annotations

import hashlib
import importlib.util
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from autoclaim.claims.blobs import BlobStore, BlobStoreConfigError, FileBlobStore, open_blob_store
from autoclaim.config import Settings
from autoclaim.service.app import create_app
from tests.conftest import _missing
from tests.service.conftest import ADMIN_KEY, make_key, wait_for_claim
from tests.service.doubles import PngTextReader, StatsAssessor, photo_bytes
from tests.service.test_flow import FNOL

BUCKET = "autoclaim-test"


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's S3 server on a free local port, with `BUCKET` created; its URL."""
    if importlib.util.find_spec("boto3") is None or importlib.util.find_spec("moto") is None:
        _missing("boto3 / moto not installed (pip install 'autoclaim[scale,dev]')")
    import boto3
    from moto.server import ThreadedMotoServer

    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # moto keeps its buckets per Python process, not per server: start from none
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))
    boto3.client("s3", endpoint_url=url).create_bucket(Bucket=BUCKET)
    yield url
    server.stop()


@pytest.fixture(params=["directory", "s3"])
def blob_store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "directory":
        return open_blob_store(str(tmp_path / "blobs"))
    endpoint = request.getfixturevalue("s3_endpoint")
    return open_blob_store(f"s3://{BUCKET}/claims/blobs", endpoint_url=endpoint)


def test_blobs_are_content_addressed(blob_store: BlobStore) -> None:
    data = b"\x89PNG not really" * 1000
    digest = blob_store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert blob_store.exists(digest)
    assert blob_store.get(digest) == data
    assert blob_store.put(data) == digest  # idempotent
    assert blob_store.get(blob_store.put(b"")) == b""


def test_missing_and_malformed_names_raise_key_error(blob_store: BlobStore) -> None:
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not blob_store.exists(absent)
    with pytest.raises(KeyError):
        blob_store.get(absent)
    for bad in ("../../etc/passwd", absent.upper(), absent[:-1]):
        with pytest.raises(KeyError, match="not a sha256"):
            blob_store.get(bad)


def test_s3_objects_sit_under_the_prefix(s3_endpoint: str) -> None:
    import boto3

    store = open_blob_store(f"s3://{BUCKET}/tenant-a/", endpoint_url=s3_endpoint)
    digest = store.put(b"photo bytes")
    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=BUCKET)
    assert [o["Key"] for o in listed["Contents"]] == [
        f"tenant-a/{digest[:2]}/{digest[2:4]}/{digest}"
    ]


def test_blob_urls_are_checked(tmp_path: Path) -> None:
    assert isinstance(open_blob_store(f"file://{tmp_path}/a"), FileBlobStore)
    assert isinstance(open_blob_store(str(tmp_path / "b")), FileBlobStore)
    for bad in ("s3:///prefix-only", "gs://bucket/x"):
        with pytest.raises(BlobStoreConfigError, match="'"):
            open_blob_store(bad)


def test_the_service_keeps_uploads_in_the_bucket(tmp_path: Path, s3_endpoint: str) -> None:
    import boto3

    settings = Settings(
        var_dir=tmp_path / "var",
        log_json=False,
        admin_api_key=ADMIN_KEY,
        blob_url=f"s3://{BUCKET}/svc",
        s3_endpoint_url=s3_endpoint,
    )
    with TestClient(create_app(settings, StatsAssessor(), PngTextReader())) as client:
        claimant = make_key(client, "claimant")
        claim_id = client.post("/v1/claims", json=FNOL, headers=claimant).json()["id"]
        files = [
            ("files", (f"p{i}.jpg", photo_bytes((30, 30, 200), seed=i), "image/jpeg"))
            for i in range(2)
        ]
        posted = client.post(f"/v1/claims/{claim_id}/photos", files=files, headers=claimant)
        assert posted.status_code == 202
        claim = wait_for_claim(client, claim_id, {"X-API-Key": ADMIN_KEY})
        assert [p["status"] for p in claim["photos"]] == ["assessed"] * 2  # type: ignore[union-attr]
    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=BUCKET)
    assert len([o for o in listed["Contents"] if o["Key"].startswith("svc/")]) == 2
    assert not (tmp_path / "var" / "blobs").exists()
