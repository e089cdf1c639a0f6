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
    data_root: Path = Field(
        default=REPO_ROOT.parent / "shared" / "datasets",
        description="Folder laid out like ../shared/datasets (training and evaluation data).",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = True
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    ocr_engine: Literal["auto", "tesseract", "rapidocr", "combined"] = Field(
        default="auto",
        description="OCR engine; auto picks the benchmark's best per document type.",
    )
    ocr_threads: int = Field(default=2, ge=1, description="Threads per OCR engine.")

    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under `var_dir`."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'autoclaim.sqlite3').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process (tests build their own `Settings`)."""
    return Settings()
