"""Benchmark the claim service over real HTTP (uvicorn in this process, httpx clients).

1. Time from uploading 6 photos + 2 documents to the estimate being on the claim with all
   work done (median, p90 over --rounds claims), and to the first estimate (priced from the
   photos while documents are still being read, when the worker gets there first).
2. Latency of reading a claim (GET /v1/claims/{id}) under --clients concurrent clients
   (p50, p99).

By default the real vision model and OCR are used (`autoclaim.inference`, `autoclaim.ocr`).
`--stand-ins` uses the deterministic test analysers instead, which measures the service's own
overhead (store, worker, estimate rules), not the models.

    nice -n 10 .venv/bin/python scripts/bench_service.py --rounds 10
    nice -n 10 .venv/bin/python scripts/bench_service.py --stand-ins --rounds 20
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import multiprocessing
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autoclaim.claims.analysers import DocumentReader, PhotoAssessor  # noqa: E402
from autoclaim.config import Settings  # noqa: E402
from autoclaim.service.app import create_app  # noqa: E402

ADMIN = "ak_bench-admin-key-0123456789"
POLL_SECONDS = 0.05
FNOL: dict[str, Any] = {
    "policy_number": "PDAA202431010000123456",
    "plate": "沪A12345",
    "accident_at": "2026-11-20T08:30:00+08:00",
    "place": "上海市浦东新区世纪大道100号",
    "cause": "collision",
    "reporter": {"name": "张三", "phone": "13812345678"},
    "payee": {"kind": "repair_shop", "shop_id": "SHOP-001"},
    "region": "shanghai",
}


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def photo_files(folder: Path | None) -> list[tuple[str, bytes]]:
    """6 photos: the first 6 JPEGs of `folder`, or drawn ones (640x480) when none given."""
    if folder is not None:
        paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg"))[:6]
        if len(paths) < 6:
            raise SystemExit(f"need 6 JPEG photos in {folder}, found {len(paths)}")
        return [(p.name, p.read_bytes()) for p in paths]
    out = []
    for i in range(6):
        image = Image.new("RGB", (640, 480), (40 + 30 * i, 90, 160 - 20 * i))
        draw = ImageDraw.Draw(image)
        draw.rectangle((100 + 10 * i, 120, 420, 360), fill=(180, 30 + 20 * i, 40))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=90)
        out.append((f"photo{i}.jpg", buffer.getvalue()))
    return out


def document_files(stand_ins: bool) -> list[tuple[str, bytes]]:
    """A vehicle licence and a driver licence (synthetic; generated ones when available)."""
    if stand_ins:
        from tests.service.doubles import document_bytes

        return [
            ("xsz.png", document_bytes("vehicle_licence", {"plate": "沪A12345"})),
            ("jsz.png", document_bytes("driver_licence", {"licence_class": "C1"})),
        ]
    from autoclaim.data.synthetic_docs import generate  # type: ignore[import-not-found]

    out = []
    for doc_type in ("vehicle_licence", "driver_licence"):
        buffer = io.BytesIO()
        generate(doc_type, seed=1).image.save(buffer, format="PNG")
        out.append((f"{doc_type}.png", buffer.getvalue()))
    return out


def analysers(stand_ins: bool) -> tuple[PhotoAssessor | None, DocumentReader | None]:
    if not stand_ins:
        return None, None  # the app's defaults: the shipped model and OCR
    from tests.service.doubles import PngTextReader, StatsAssessor

    return StatsAssessor(), PngTextReader()


def upload_to_estimate(
    client: httpx.Client,
    headers: dict[str, str],
    photos: list[tuple[str, bytes]],
    docs: list[tuple[str, bytes]],
    timeout: float,
) -> tuple[float, float]:
    """Seconds from the uploads to (the first estimate, the estimate with all work done)."""
    claim_id = client.post("/v1/claims", json=FNOL, headers=headers).json()["id"]
    start = time.perf_counter()
    r1 = client.post(
        f"/v1/claims/{claim_id}/photos",
        files=[("files", (n, d, "image/jpeg")) for n, d in photos],
        headers=headers,
    )
    r2 = client.post(
        f"/v1/claims/{claim_id}/documents",
        files=[("files", (n, d, "image/png")) for n, d in docs],
        headers=headers,
    )
    if r1.status_code != 202 or r2.status_code != 202:
        raise SystemExit(f"upload refused: {r1.status_code} {r1.text} / {r2.status_code} {r2.text}")
    first: float | None = None
    while True:
        claim = client.get(f"/v1/claims/{claim_id}", headers=headers).json()
        if claim["failures"]:
            raise SystemExit(f"work failed: {claim['failures']}")
        if claim["estimate"] is not None and first is None:
            first = time.perf_counter() - start
        if claim["estimate"] is not None and claim["pending_work"] == 0:
            done = time.perf_counter() - start
            return (first if first is not None else done), done
        if time.perf_counter() - start > timeout:
            raise SystemExit(f"no estimate after {timeout}s")
        # A claim read costs the server several ms of CPU: polling every 10 ms took a third
        # of a core from the work being timed; every 50 ms, about an eighth, for 25 ms resolution.
        time.sleep(POLL_SECONDS)


async def _read_load(base_url: str, claim_id: str, clients: int, reads: int) -> list[float]:
    async def one_client() -> list[float]:
        out = []
        async with httpx.AsyncClient(
            base_url=base_url, headers={"X-API-Key": ADMIN}, timeout=120
        ) as client:
            for _ in range(reads):
                start = time.perf_counter()
                response = await client.get(f"/v1/claims/{claim_id}")
                out.append(time.perf_counter() - start)
                response.raise_for_status()
        return out

    chunks = await asyncio.gather(*(one_client() for _ in range(clients)))
    return [t for chunk in chunks for t in chunk]


def _read_load_process(base_url: str, claim_id: str, clients: int, reads: int) -> list[float]:
    return asyncio.run(_read_load(base_url, claim_id, clients, reads))


def read_latencies(base_url: str, claim_id: str, clients: int, reads: int) -> list[float]:
    """`clients` concurrent clients, each reading the claim `reads` times, run in a separate
    process so the load generator does not share the server's interpreter lock."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_read_load_process, base_url, claim_id, clients, reads).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--reads", type=int, default=25, help="GETs per client")
    parser.add_argument("--photos", type=Path, default=None, help="folder with >= 6 JPEGs")
    parser.add_argument("--stand-ins", action="store_true", help="test analysers, no models")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="autoclaim-bench-"))
    settings = Settings(
        var_dir=var_dir, database_url=args.database_url, admin_api_key=ADMIN, log_level="WARNING"
    )
    assessor, reader = analysers(args.stand_ins)
    app = create_app(settings, assessor=assessor, reader=reader)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", log_config=None)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base_url = f"http://127.0.0.1:{port}"
    headers = {"X-API-Key": ADMIN}
    photos = photo_files(args.photos)
    docs = document_files(args.stand_ins)
    try:
        with httpx.Client(base_url=base_url, timeout=args.timeout) as client:
            upload_to_estimate(client, headers, photos, docs, args.timeout)  # warm-up (loads)
            pairs = [
                upload_to_estimate(client, headers, photos, docs, args.timeout)
                for _ in range(args.rounds)
            ]
            firsts = [first for first, _ in pairs]
            times = [done for _, done in pairs]
            claim_id = client.get("/v1/claims?limit=1", headers=headers).json()["items"][0]["id"]
        reads = read_latencies(base_url, claim_id, args.clients, args.reads)
    finally:
        server.should_exit = True
        thread.join(10)
    result = {
        "analysers": "stand-ins (no models)" if args.stand_ins else "real model and OCR",
        "database": app.state.engine.dialect.name if hasattr(app.state, "engine") else None,
        "upload_6_photos_2_docs_to_estimate_s": {
            "rounds": args.rounds,
            "median": round(statistics.median(times), 3),
            "p90": round(_quantile(times, 0.9), 3),
        },
        "upload_to_first_estimate_s": {
            "median": round(statistics.median(firsts), 3),
            "p90": round(_quantile(firsts, 0.9), 3),
        },
        "read_claim_ms": {
            "clients": args.clients,
            "requests": len(reads),
            "p50": round(_quantile(reads, 0.5) * 1000, 1),
            "p99": round(_quantile(reads, 0.99) * 1000, 1),
        },
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
