#!/usr/bin/env python3
"""Make the screenshots in docs/screenshots/ of the current UI (desktop and phone) from an index.

    python scripts/screenshots.py [--index DIR] [--out docs/screenshots]

Serves the app over the index on a free loopback port (waitress, in this process) and drives
Debian's Chromium with Playwright. The tests never write these files; run this after a change
to the pages, look at the pictures, and commit them.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from indexer.settings import Settings
from webapp import create_app
from webapp.serving.server import serving_in_thread

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
QUERY = "/?q=personal+trainer+upheld"
NOTHING = "/?q=MRI+lumbar+overturned"       # no results: what each single change would find


def shoot(base: str, out: Path) -> list[Path]:
    """search.png, letter.png and no-results.png at desktop width, phone-search.png and phone-filters.png
    on a phone."""
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport=DESKTOP)
        page.goto(base + QUERY)
        page.evaluate("document.activeElement.blur()")      # no focus ring in the picture
        page.screenshot(path=str(out / "search.png"))
        made.append(out / "search.png")
        with page.expect_navigation():
            page.locator("li.hit", has_text="CM1").first.locator("h2 a").click()   # a letter with a case number
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(out / "letter.png"))
        made.append(out / "letter.png")
        page.goto(base + NOTHING)
        page.evaluate("document.activeElement.blur()")
        page.screenshot(path=str(out / "no-results.png"))
        made.append(out / "no-results.png")
        page.close()
        phone = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
        phone.goto(base + QUERY)
        phone.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        phone.screenshot(path=str(out / "phone-search.png"))
        made.append(out / "phone-search.png")
        phone.locator("#filters > summary").click()
        phone.evaluate("window.scrollTo(0, 0)")
        phone.screenshot(path=str(out / "phone-filters.png"))
        made.append(out / "phone-filters.png")
        browser.close()
    return made


def main() -> None:
    """Parse the arguments, serve, shoot, stop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "screenshots")
    args = parser.parse_args()
    with serving_in_thread(create_app(Settings(index_dir=args.index))) as base:
        for path in shoot(base, args.out):
            print(path)


if __name__ == "__main__":
    main()
