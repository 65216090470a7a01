"""``irt-elo report``: the page is written once, self-contained and reproducible, and it works in a
real headless browser (the system Chromium driven by Playwright): it loads without errors or network requests,
every figure has rendered, and the claims table has one row per claim."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from irt_elo.data.claims import load_claims

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    p = subprocess.run([sys.executable, "-m", "irt_elo", "report", "--paths", "100", "-o", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert f"{len(load_claims())} claims, 3 figures" in p.stdout
    return out


def test_report_is_one_self_contained_file(page_file):
    html = page_file.read_text(encoding="utf-8")
    # No scripts, stylesheets or images fetched from elsewhere: every figure is embedded.
    assert "<script" not in html and "<link" not in html
    srcs = [s.split('"')[1] for s in html.split("src=")[1:]]
    assert len(srcs) == 3 and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert "epoch_eci_2026-08-11" in html and "CC BY 4.0" in html


def test_report_is_byte_identical_for_the_same_data_and_seed(page_file, tmp_path):
    again = tmp_path / "again.html"
    p = subprocess.run([sys.executable, "-m", "irt_elo", "report", "--paths", "100", "-q", "-o", str(again)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert again.read_bytes() == page_file.read_bytes()


def test_report_refuses_a_bad_horizon_and_a_non_html_name_and_writes_nothing(tmp_path):
    for args, message in ((["--horizon", "soon"], "not a duration"), (["-o", "r.pdf"], "r.pdf")):
        p = subprocess.run([sys.executable, "-m", "irt_elo", "report", *args], cwd=tmp_path, capture_output=True,
                           text=True, timeout=120)
        assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr
    assert list(tmp_path.iterdir()) == []


def test_report_renders_in_a_real_browser(page_file):
    chromium = _chromium()
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium on this CI machine: the set-up command installs Debian's chromium")
        pytest.skip("no Chromium installed (Debian package 'chromium'); the page is checked in CI")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    requests: list[str] = []
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=chromium, headless=True,
                                                    args=CHROMIUM_FLAGS)
        try:
            page = ctx.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri(), wait_until="load")
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight, e.alt])")
            rows = page.eval_on_selector_all("#claims-table tbody tr", "els => els.map(e => e.dataset.claim)")
            verdict = page.text_content("#trend-verdict")
            title = page.title()
        finally:
            ctx.close()
    assert errors == []
    # Only the page itself and its embedded data: nothing from the network.
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert len(images) == 3 and all(done and w > 300 and h > 200 for done, w, h, _ in images), images
    assert rows == load_claims()["id"].tolist()
    assert verdict and verdict.split(" at ")[0] in ("widening", "narrowing", "no detectable trend")
    assert "epoch_eci_2026-08-11" in title
