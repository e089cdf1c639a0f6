"""Content-addressed file storage: a blob's name is the sha256 of its bytes."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol


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
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise KeyError(f"not a sha256 digest: {sha256!r}")
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
