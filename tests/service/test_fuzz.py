"""A bounded schemathesis run over the OpenAPI: no generated request may cause a 5xx.

Schemathesis runs the app's lifespan itself on the first call (once, kept until the module's
tests end); the app lives in a temporary folder removed afterwards.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans

from autoclaim.config import Settings
from autoclaim.service.app import create_app
from tests.service.conftest import ADMIN_KEY
from tests.service.doubles import PngTextReader, StatsAssessor

_VAR = Path(tempfile.mkdtemp(prefix="autoclaim-fuzz-"))
app = create_app(
    Settings(var_dir=_VAR, log_json=False, admin_api_key=ADMIN_KEY, max_upload_bytes=100_000),
    assessor=StatsAssessor(),
    reader=PngTextReader(),
    run_worker=False,  # no background work, and no webhook POSTs to generated URLs
)
# Built from the app's own document (no request at import time); calls go to `app` in-process.
schema = schemathesis.openapi.from_dict(app.openapi())
schema.app = app


@pytest.fixture(scope="module", autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    shutdown_lifespans()
    shutil.rmtree(_VAR, ignore_errors=True)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"X-API-Key": ADMIN_KEY}, checks=[not_a_server_error], timeout=120
    )
