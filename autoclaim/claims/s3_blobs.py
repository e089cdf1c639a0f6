"""Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, ...), through boto3.

Content-addressed like `FileBlobStore`: an object's key is `<prefix>/ab/cd/<sha256>`, so
writes are idempotent and any replica or worker can read what another stored. Credentials
come from boto3's usual chain (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, a profile, an
instance role); the endpoint of a non-AWS service from `AUTOCLAIM_S3_ENDPOINT_URL`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from autoclaim.claims.blobs import BlobStoreConfigError, check_digest

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise BlobStoreConfigError(
        "an s3:// blob store needs boto3: pip install 'autoclaim[scale]'"
    ) from exc

NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


class S3BlobStore:
    """Blobs as objects `<prefix>/ab/cd/<sha256>` in `bucket` (which must exist)."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            config=Config(retries={"mode": "standard", "max_attempts": 5}),
        )

    def _key(self, sha256: str) -> str:
        check_digest(sha256)
        name = f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if not self.exists(digest):
            self.client.put_object(Bucket=self.bucket, Key=self._key(digest), Body=data)
        return digest

    def get(self, sha256: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in NOT_FOUND:
                raise KeyError(sha256) from exc
            raise
        body: bytes = response["Body"].read()
        return body

    def exists(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in NOT_FOUND:
                return False
            raise
        return True
