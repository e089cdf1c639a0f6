"""Content-addressed file storage: a blob's name is the sha256 of its bytes.

Two stores keep the same contract: a directory (the default; shared between machines only
through a network file system) and an S3-compatible bucket (`autoclaim.claims.s3_blobs`),
chosen by `AUTOCLAIM_BLOB_URL`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from autoclaim.claims.errors import ClaimsError

HEX = frozenset("0123456789abcdef")


class BlobStoreConfigError(ClaimsError):
    """A blob store URL that cannot be used (names the bad value)."""


class BlobStore(Protocol):
    """Where photo and document bytes live; metadata stays in the database."""

    def put(self, data: bytes) -> str:
        """Store `data` (idempotent) and return its sha256 hex digest."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes stored under `sha256`; `KeyError` when absent."""
        ...

    def exists(self, sha256: str) -> bool: ...


class FileBlobStore:
    """Blobs on local disk under `root/ab/cd/<sha256>`, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, sha256: str) -> Path:
        check_digest(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        path = self._path(sha256)
        if not path.exists():
            raise KeyError(sha256)
        return path.read_bytes()

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()


def check_digest(sha256: str) -> None:
    """`KeyError` unless `sha256` is a lower-case hex sha256 digest (no path tricks)."""
    if len(sha256) != 64 or not set(sha256) <= HEX:
        raise KeyError(f"not a sha256 digest: {sha256!r}")


def open_blob_store(
    url: str, endpoint_url: str | None = None, region: str | None = None
) -> BlobStore:
    """The store for `url`: `s3://bucket/prefix` (an S3-compatible bucket at `endpoint_url`,
    default AWS), or a directory as `file:///path` or a plain path."""
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise BlobStoreConfigError(f"blob URL {url!r} names no bucket (s3://bucket/prefix)")
        from autoclaim.claims.s3_blobs import S3BlobStore

        return S3BlobStore(parsed.netloc, parsed.path, endpoint_url=endpoint_url, region=region)
    if parsed.scheme == "file":
        return FileBlobStore(Path(parsed.path))
    if parsed.scheme:
        raise BlobStoreConfigError(f"blob URL {url!r}: use s3://bucket/prefix or a directory")
    return FileBlobStore(Path(url))
