from __future__ import annotations

from fastapi.testclient import TestClient

from autoclaim import __version__


def test_healthz_reports_components(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert body["database"]["backend"] == "sqlite"
    assert body["database"]["version"]
    assert body["ocr"]["engine"] == "tesseract"
    assert body["ocr"]["version"].startswith(("4.", "5."))
    assert {"eng", "chi_sim"} <= set(body["ocr"]["languages"])
    assert "model" in body


def test_healthz_creates_sqlite_under_var_dir(client: TestClient, settings) -> None:  # type: ignore[no-untyped-def]
    client.get("/healthz")
    assert (settings.var_dir / "autoclaim.sqlite3").exists()


def test_openapi_lists_healthz(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/healthz" in spec["paths"]
