"""The one settings object; every knob reads from `AUTOCLAIM_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration with embedded defaults that need no other server."""

    model_config = SettingsConfigDict(env_prefix="AUTOCLAIM_", env_file=".env", extra="ignore")

    var_dir: Path = Field(
        default=Path("var"), description="Folder for the SQLite file, blobs and other state."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; defaults to a SQLite file under var_dir.",
    )
    blob_url: str | None = Field(
        default=None,
        description="Where photo and document bytes go: a directory, or s3://bucket/prefix; "
        "defaults to var_dir/blobs.",
    )
    s3_endpoint_url: str | None = Field(
        default=None,
        description="Endpoint of an S3-compatible service (MinIO, Ceph...); default AWS.",
    )
    s3_region: str | None = Field(default=None, description="S3 region, where one is needed.")
    data_root: Path = Field(
        default=REPO_ROOT.parent / "shared" / "datasets",
        description="Folder laid out like ../shared/datasets (training and evaluation data).",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = True
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    price_book: Path | None = Field(
        default=None,
        description="Insurer's price book (JSON or TOML); default: the shipped illustrative one.",
    )
    admin_api_key: str | None = Field(
        default=None,
        description="Bootstrap admin API key registered on start (or: autoclaim keys create).",
    )
    worker_batch_size: int = Field(default=8, ge=1, description="Photos per model batch.")
    worker_threads: int = Field(
        default=2, ge=1, description="Background worker threads (photos and documents)."
    )
    webhook_backoff_seconds: float = Field(
        default=2.0, gt=0, description="First webhook retry delay; doubles on each failure."
    )
    webhook_max_attempts: int = Field(default=8, ge=1)
    job_runner: Literal["embedded", "celery"] = Field(
        default="embedded",
        description="Who runs queued work: a thread in the API process, or Celery workers.",
    )
    broker_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        description="Celery broker (Redis, or RabbitMQ as amqp://guest:guest@127.0.0.1:5672//).",
    )
    job_queue: str = Field(default="autoclaim", description="Celery queue name.")
    job_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Seconds before another worker takes over a running item not renewed "
        "(a running batch renews it every third of this).",
    )
    job_visibility_timeout_seconds: float = Field(
        default=360.0,
        gt=0,
        description="Redis broker: an unacknowledged task is redelivered after this long.",
    )
    photo_assessor: str | None = Field(
        default=None,
        description="Import path 'module:Class' of the photo assessor; default: the vision model.",
    )
    document_reader: str | None = Field(
        default=None,
        description="Import path 'module:Class' of the document reader; default: the OCR engine.",
    )
    ocr_engine: Literal["auto", "tesseract", "rapidocr", "combined"] = Field(
        default="auto",
        description="OCR engine; auto picks the benchmark's best per document type.",
    )
    ocr_threads: int = Field(
        default=1,
        ge=1,
        description="Threads per OCR reader. One each, with two readers, reads two documents "
        "on 2 cores in about half the time of one 2-thread reader reading them in turn.",
    )
    ocr_readers: int = Field(
        default=2,
        ge=1,
        description="OCR readers (each with its own models) reading at the same time.",
    )

    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under `var_dir`."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'autoclaim.sqlite3').resolve()}"

    def resolved_blob_url(self) -> str:
        """The configured blob store URL, or the `blobs` folder under `var_dir`."""
        return self.blob_url or str(self.var_dir / "blobs")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process (tests build their own `Settings`)."""
    return Settings()
