"""Screenshots of the adjuster workbench and the claimant progress page for the README.

Starts the app on a free local port with the deterministic test analysers (see
`tests/browser/harness.py`), files a claim through the JSON API (photos, licences, an adjuster
override and approval), then photographs the pages with Debian's Chromium:

    PYTHONPATH=$PWD .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image
from playwright.sync_api import sync_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, LiveServer, car_photo, licence_scan

FNOL = {
    "policy_number": "PDAA202431010000123456",
    "plate": "沪A12345",
    "vin": "LSVAU2180N2123456",
    "accident_at": "2026-11-20T08:30:00+08:00",
    "place": "上海市浦东新区世纪大道100号",
    "cause": "collision",
    "description": "Rear-ended at a traffic light; rear bumper dented.",
    "reporter": {"name": "张三", "phone": "13812345678"},
    "payee": {"kind": "repair_shop", "shop_name": "浦东汽修", "shop_id": "SHOP-001"},
    "region": "shanghai",
}


def file_claim(server: LiveServer) -> tuple[str, str, str, str]:
    """(claim id, tracking token, claimant key, adjuster key) of an assessed claim with one
    line overridden by the adjuster."""
    claimant = {"X-API-Key": server.new_key("claimant")}
    adjuster = {"X-API-Key": server.new_key("adjuster")}
    with httpx.Client(base_url=server.url, timeout=30) as api:
        created = api.post("/v1/claims", json=FNOL, headers=claimant).json()
        claim_id = created["id"]
        photos = [
            ("files", ("rear.jpg", car_photo((200, 40, 40), seed=0), "image/jpeg")),
            ("files", ("rear-left.jpg", car_photo((190, 50, 30), seed=9), "image/jpeg")),
            ("files", ("door.jpg", car_photo((40, 170, 50), seed=3), "image/jpeg")),
        ]
        api.post(f"/v1/claims/{claim_id}/photos", files=photos, headers=claimant)
        licences = [
            (
                "files",
                (
                    "xsz.png",
                    licence_scan(
                        "vehicle_licence",
                        {
                            "plate": "沪A12345",
                            "vin": {
                                "value": "LSVAU2180N2123457",
                                "confidence": 0.35,
                                "status": "invalid",
                                "reasons": ["VIN check digit does not match"],
                            },
                            "owner": "张三",
                        },
                        "机动车行驶证",
                    ),
                    "image/png",
                ),
            ),
        ]
        api.post(f"/v1/claims/{claim_id}/documents", files=licences, headers=claimant)
        deadline = time.monotonic() + 60
        while api.get(f"/v1/claims/{claim_id}", headers=adjuster).json()["status"] != "assessed":
            if time.monotonic() > deadline:
                raise RuntimeError("the claim was not assessed in 60 s")
            time.sleep(0.2)
        claim = api.get(f"/v1/claims/{claim_id}", headers=adjuster).json()
        line = claim["estimate"]["model"]["lines"][0]
        api.post(
            f"/v1/claims/{claim_id}/review",
            json={
                "action": "override",
                "lines": [
                    {
                        "line": line["part"],
                        "labour_hours": "1.00",
                        "reason": "Partner shop quote: one hour less labour",
                    }
                ],
            },
            headers=adjuster,
        )
    return claim_id, created["tracking_token"], claimant["X-API-Key"], adjuster["X-API-Key"]


def shrink(path: Path, colours: int = 48) -> None:
    """Re-save a screenshot with an adaptive palette (pages are flat colours) to keep the
    repository small."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "var").start()
        try:
            claim_id, token, _claimant_key, adjuster_key = file_claim(server)
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                desk = browser.new_context(viewport={"width": 1200, "height": 900})
                page = desk.new_page()
                page.goto(server.url + "/sign-in")
                page.get_by_label("Access key").fill(adjuster_key)
                page.get_by_role("button", name="Sign in").click()
                page.goto(f"{server.url}/adjuster/claims/{claim_id}?lang=en")
                page.locator("#estimate details.evidence").first.locator("summary").click()
                page.screenshot(path=args.out / "workbench.png", full_page=True)
                page.get_by_label("Reason (optional)").fill("Photos clear")
                page.get_by_role("button", name="Approve").click()
                page.wait_for_url("**done=1*")
                phone = browser.new_context(viewport={"width": 360, "height": 740})
                mobile = phone.new_page()  # the tracking link alone, no key
                mobile.goto(f"{server.url}/track/{token}?lang=zh-CN")
                mobile.screenshot(path=args.out / "claimant-progress.png", full_page=True)
                browser.close()
        finally:
            server.stop()
    for name in ("workbench.png", "claimant-progress.png"):
        path = args.out / name
        shrink(path)
        print(f"{path}: {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
