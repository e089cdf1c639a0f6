"""The whole journey in a real browser (Debian's Chromium through Playwright): a claimant
reports a claim and uploads photos and licences on a phone-sized screen; an adjuster sees the
damages and fields, overrides a line with a reason and approves; the claimant's progress page
shows every step. Any console error fails the test."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LiveServer,
    car_photo,
    licence_scan,
)

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("browser") / "var").start()
    yield live
    live.stop()


def _files(tmp: Path) -> dict[str, Path]:
    files = {
        "front.jpg": car_photo((200, 40, 40), seed=0),
        "side.jpg": car_photo((190, 50, 30), seed=9),
        "door.jpg": car_photo((40, 170, 50), seed=3),
        "night.jpg": car_photo((200, 40, 40), seed=5, dark=True),
        "xsz.png": licence_scan(
            "vehicle_licence", {"plate": "沪A12345", "vin": "LSVAU2180N2123456"}, "行驶证"
        ),
        "jsz.png": licence_scan(
            "driver_licence",
            {
                "licence_no": "110101199003074578",
                "licence_class": {"value": "C1", "confidence": 0.42, "reasons": ["blurred"]},
            },
            "驾驶证",
        ),
    }
    out = {}
    for name, data in files.items():
        (tmp / name).write_bytes(data)
        out[name] = tmp / name
    return out


def test_claimant_and_adjuster_journey(server: LiveServer, tmp_path: Path) -> None:
    files = _files(tmp_path)
    claimant_key = server.new_key("claimant")
    adjuster_key = server.new_key("adjuster")
    errors: list[str] = []

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

        def watch(page: object) -> None:
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
            page.on("pageerror", lambda e: errors.append(str(e)))  # type: ignore[attr-defined]

        # --- the claimant, on a phone -------------------------------------------------
        phone = browser.new_context(
            viewport={"width": 360, "height": 740},
            has_touch=True,
            is_mobile=True,
            locale="en-US",
        )
        page = phone.new_page()
        watch(page)
        page.goto(server.url + "/sign-in?next=/report")
        page.get_by_label("Access key").fill(claimant_key)
        page.keyboard.press("Enter")  # keyboard use: the form submits from its field
        page.wait_for_url(server.url + "/report")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # fits a phone
        page.get_by_label("Policy number").fill("PDAA202431010000123456")
        page.get_by_label("Plate number").fill("沪A12345")
        page.get_by_label("Date and time of the accident").fill("2026-11-20T08:30")
        page.get_by_label("Place").fill("上海市浦东新区世纪大道100号")
        page.get_by_label("Cause").select_option("collision")
        page.get_by_label("What happened").fill("Rear-ended at a traffic light.")
        page.get_by_label("Your name").fill("张三")
        page.get_by_label("Mobile phone").fill("13812345678")
        page.get_by_label("City / region").fill("shanghai")
        page.get_by_role("button", name="Submit").click()
        page.wait_for_url(re.compile(r".*/my/claims/[0-9a-f]+\?reported=1"))
        claim_id = page.url.split("/my/claims/")[1].split("?")[0]
        assert page.locator("#checklist [data-material=photos].todo").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        page.locator("#photo-files").set_input_files(
            [files["front.jpg"], files["side.jpg"], files["door.jpg"], files["night.jpg"]]
        )
        page.locator("#photo-form button").click()
        page.wait_for_url("**uploaded=4")
        page.get_by_label("Document", exact=True).select_option("vehicle_licence")
        page.locator("#doc-files").set_input_files(files["xsz.png"])
        with page.expect_navigation():
            page.locator("#document-form button").click()
        assert page.url.endswith("uploaded=1")
        page.get_by_label("Document", exact=True).select_option("driver_licence")
        page.locator("#doc-files").set_input_files(files["jsz.png"])
        with page.expect_navigation():
            page.locator("#document-form button").click()
        assert page.url.endswith("uploaded=1")
        # The page reloads itself while the uploads are analysed, then asks for a retake.
        page.locator(".advice .retake").wait_for(timeout=20_000)
        assert "night.jpg" in page.locator(".advice .retake").inner_text()
        assert "too dark" in page.locator(".advice .retake").inner_text()
        assert "Door: seen in one photo only" in page.locator(".advice").inner_text()
        page.locator("#checklist [data-material=driver_licence].done").wait_for(timeout=20_000)
        tracking_url = page.locator("#tracking-link").get_attribute("href")
        assert tracking_url

        # --- the adjuster, at a desk ----------------------------------------------------
        desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        bench = desk.new_page()
        watch(bench)
        bench.goto(server.url + "/sign-in")
        bench.get_by_label("Access key").fill(adjuster_key)
        bench.get_by_role("button", name="Sign in").click()
        bench.wait_for_url("**/adjuster")
        bench.locator(f"tr[data-claim='{claim_id}'] a").click()
        bench.wait_for_url(f"**/adjuster/claims/{claim_id}")
        bench.locator("#line-Bumper").wait_for(timeout=20_000)
        gallery = bench.locator(".gallery")
        assert "Bumper" in gallery.inner_text() and "90%" in gallery.inner_text()
        assert bench.locator(".region").first.is_visible()
        bench.get_by_label("Show where the model looked").uncheck()
        assert not bench.locator(".region").first.is_visible()
        licence = bench.locator("[data-doc-type=vehicle_licence] tr[data-field=vin]")
        assert "LSVAU2180N2123456" in licence.inner_text()
        low = bench.locator("[data-doc-type=driver_licence] tr[data-field=licence_class]")
        assert "low confidence" in low.inner_text()
        # The adjuster corrects the low-confidence field; the OCR's reading stays beside it.
        low.locator("details.correct summary").click()
        low.get_by_label("Correct value").fill("C1")
        low.get_by_label("Reason for the correction (required)").fill("Readable on the photo")
        with bench.expect_navigation():
            low.get_by_role("button", name="Save correction").click()
        assert "done=1" in bench.url
        fixed = bench.locator("[data-doc-type=driver_licence] tr[data-field=licence_class]")
        assert "corrected" in fixed.inner_text() and "low confidence" not in fixed.inner_text()
        assert "OCR read: C1 (42%)" in fixed.inner_text()
        deadline = time.monotonic() + 20  # the estimate is computed again with the new value
        while server.api("GET", f"/v1/claims/{claim_id}", key=adjuster_key)["pending_work"]:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        bench.reload()

        model_total = float(bench.locator("#estimate-total").get_attribute("data-total") or 0)
        line = bench.locator("#line-Bumper")
        line.locator("details.override summary").click()
        form = line.locator("form.override-form")
        line_total = float(form.get_attribute("data-line-total") or 0)
        new_line_total = round(line_total * 0.8, 2)
        line.get_by_label("Total", exact=True).fill(f"{new_line_total:.2f}")
        preview = line.locator(".preview-estimate")  # JS shows the new totals while typing
        assert preview.inner_text() == f"{model_total - line_total + new_line_total:,.2f}"
        line.get_by_label("Reason (required)").fill("Shop quote is lower")
        with bench.expect_navigation():
            line.get_by_role("button", name="Save override").click()
        assert "done=1" in bench.url
        assert bench.locator("#line-Bumper .badge", has_text="Overridden").count() == 1
        new_total = float(bench.locator("#estimate-total").get_attribute("data-total") or 0)
        assert new_total == pytest.approx(model_total - line_total + new_line_total)
        bench.get_by_label("Reason (optional)").fill("Photos and licences are clear")
        with bench.expect_navigation():
            bench.get_by_role("button", name="Approve").click()
        assert "done=1" in bench.url
        assert "Approved, repairing" in bench.locator("h1").inner_text()

        claim = server.api("GET", f"/v1/claims/{claim_id}", key=adjuster_key)
        assert claim["status"] == "repairing"
        corrected = claim["documents"][1]["fields"]["licence_class"]
        assert corrected["corrected"] and corrected["original"]["confidence"] == 0.42
        assert claim["estimate"]["overrides"][0]["reason"] == "Shop quote is lower"

        # --- the claimant follows the progress -------------------------------------------
        page.goto(tracking_url)
        timeline = page.locator(".timeline").inner_text()
        for step in (
            "Claim reported",
            "Photos uploaded",
            "Documents uploaded",
            "Preliminary estimate computed",
            "Adjuster corrected a document field",
            "Adjuster adjusted an estimate line",
            "Estimate approved",
        ):
            assert step in timeline, step
        assert "Approved estimate for the repair" in page.locator("#estimate").inner_text()
        page.locator("#lang-switch").click()
        page.wait_for_url("**lang=zh-CN")
        assert "处理记录" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        browser.close()

    assert errors == []


WORDS = {
    "en-US": {"lang": "en", "submit": "Submit", "timeline": "Timeline"},
    "zh-CN": {"lang": "zh-CN", "submit": "提交", "timeline": "处理记录"},
}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_public_report_on_a_phone_with_the_tracking_link_only(
    server: LiveServer, tmp_path: Path, locale: str
) -> None:
    """No key, no sign-in: report from a 360 px phone, then add photos and a licence through
    the tracking link, in Chinese and in English."""
    files = _files(tmp_path)
    words = WORDS[locale]
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        phone = browser.new_context(
            viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True, locale=locale
        )
        page = phone.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url + "/report")
        assert page.locator("html").get_attribute("lang") == words["lang"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.locator("#f-policy_number").fill("PDAA202431010000123456")
        page.locator("#f-plate").fill("沪A12345")
        page.locator("#f-accident_at").fill("2026-11-20T08:30")
        page.locator("#f-place").fill("上海市浦东新区世纪大道100号")
        page.locator("#f-reporter_name").fill("张三")
        page.locator("#f-reporter_phone").fill("13812345678")
        page.locator("#f-region").fill("shanghai")
        page.get_by_role("button", name=words["submit"]).click()
        page.wait_for_url(re.compile(r".*/track/[A-Za-z0-9_-]+\?reported=1"))
        token = page.url.split("/track/")[1].split("?")[0]
        assert token in page.locator("#tracking-url").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        page.locator("#photo-files").set_input_files([files["front.jpg"], files["night.jpg"]])
        with page.expect_navigation():
            page.locator("#photo-form button").click()
        assert page.url.endswith("uploaded=2")
        page.locator("#doc-type").select_option("vehicle_licence")
        page.locator("#doc-files").set_input_files(files["xsz.png"])
        with page.expect_navigation():
            page.locator("#document-form button").click()
        assert page.url.endswith("uploaded=1")
        # The page reloads itself while the photos are analysed, then asks for a retake.
        page.locator(".advice .retake").wait_for(timeout=20_000)
        assert "night.jpg" in page.locator(".advice .retake").inner_text()
        page.locator("#checklist [data-material=vehicle_licence].done").wait_for(timeout=20_000)
        assert words["timeline"] in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        browser.close()

    progress = server.api("GET", f"/v1/track/{token}")
    assert len(progress["photos"]) == 2 and len(progress["documents"]) == 1
    assert errors == []
