"""Take the README's screenshots (in Chinese, 1280 px wide) from a running demo:

    make run                      # in one shell: the demo on http://127.0.0.1:5000
    make screenshots              # in another: writes docs/screenshots/*.png

Each page is reached as a user would reach it (signing in, following the lists' first
links), so the pictures show what the demo's users see today."""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PASSWORD = "demo-password"
# (file, user, list page, the link on it to follow or None for the list itself)
SHOTS = [
    ("inbox.png", "manager", "/inbox", None),
    ("customer.png", "marketing", "/archive/customers?sort=-capacity", "#customers-table tbody a"),
    ("line.png", "inspector", "/archive/lines", "#lines-table tbody a"),
    ("project.png", "manager", "/projects", "#projects tbody a"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS
        )
        for filename, user, start, link in SHOTS:
            context = browser.new_context(
                base_url=args.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            page.goto("/login")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", PASSWORD)
            page.locator("#login-form button[type=submit]").click()
            page.wait_for_load_state()
            page.goto(start)
            if link:
                page.locator(link).first.click()
                page.wait_for_load_state()
            page.screenshot(path=args.out / filename, full_page=True)
            print(f"{args.out / filename}: {page.url}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
