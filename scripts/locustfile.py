"""Locust users for `scripts/loadtest.py`: FNOL, photo uploads and claim reads.

Each user takes one API replica from `LOADTEST_HOSTS` (comma separated, 127.0.0.1 only),
gets a claimant key from the admin key in `LOADTEST_ADMIN_KEY`, then files claims with
`LOADTEST_PHOTOS` photos each and reads its claims back (reads outnumber writes 3 to 1).
"""

from __future__ import annotations

import io
import itertools
import os
import random
from urllib.parse import urlparse

from locust import HttpUser, between, task
from PIL import Image

HOSTS = os.environ.get("LOADTEST_HOSTS", "http://127.0.0.1:8101").split(",")
ADMIN_KEY = os.environ.get("LOADTEST_ADMIN_KEY", "")
PHOTOS_PER_CLAIM = int(os.environ.get("LOADTEST_PHOTOS", "3"))
_host_cycle = itertools.cycle(HOSTS)
_photo_seed = itertools.count()

FNOL = {
    "policy_number": "PDAA202431010000123456",
    "plate": "沪A12345",
    "accident_at": "2026-11-20T08:30:00+08:00",
    "place": "上海市浦东新区世纪大道100号",
    "cause": "collision",
    "description": "Load test claim",
    "injury": False,
    "reporter": {"name": "张三", "phone": "13812345678"},
    "payee": {"kind": "repair_shop", "shop_name": "浦东汽修", "shop_id": "SHOP-001"},
    "region": "shanghai",
}

for host in HOSTS:
    if urlparse(host).hostname != "127.0.0.1":
        raise SystemExit(f"load tests run against 127.0.0.1 only, not {host!r}")


def photo() -> bytes:
    """A 320x240 JPEG, different every time (so no upload is a duplicate photo)."""
    seed = next(_photo_seed)
    rng = random.Random(seed)
    colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    image = Image.new("RGB", (320, 240), colour)
    for _ in range(200):
        xy = (rng.randrange(320), rng.randrange(240))
        image.putpixel(xy, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


class ClaimUser(HttpUser):
    wait_time = between(0.2, 1.0)
    host = HOSTS[0]

    def on_start(self) -> None:
        self.client.base_url = next(_host_cycle)
        response = self.client.post(
            "/v1/keys", json={"role": "claimant"}, headers={"X-API-Key": ADMIN_KEY}, name="key"
        )
        self.headers = {"X-API-Key": response.json()["key"]}
        self.claims: list[str] = []

    @task(1)
    def report_with_photos(self) -> None:
        response = self.client.post("/v1/claims", json=FNOL, headers=self.headers, name="fnol")
        if response.status_code != 201:
            return
        claim_id = response.json()["id"]
        self.claims.append(claim_id)
        files = [("files", (f"p{i}.jpg", photo(), "image/jpeg")) for i in range(PHOTOS_PER_CLAIM)]
        self.client.post(
            f"/v1/claims/{claim_id}/photos", files=files, headers=self.headers, name="photos"
        )

    @task(3)
    def read_claim(self) -> None:
        if self.claims:
            claim_id = random.choice(self.claims)
            self.client.get(f"/v1/claims/{claim_id}", headers=self.headers, name="read")
