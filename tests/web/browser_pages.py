"""What the browser tests share: the pages' fixtures' parts (the site, the console, a
page of a given width), signing in, and checking and screenshotting a page.

The fixtures themselves are in tests/web/conftest.py, so a test module names them as
parameters and imports only what it calls from here.
"""

import re
from pathlib import Path
from urllib.parse import urljoin

from demo_data import playlist_id
from fake_spotify import FakeSpotify
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {390: 844, 1280: 900}  # viewport width -> height
MORNING_RUN = playlist_id("Morning Run")
DEEP_FOCUS = playlist_id("Deep Focus")
VINYL = playlist_id("Theo's Vinyl Finds")
BROWSER_ZONE = "America/New_York"  # for page_elsewhere: neither UTC nor a user's zone

expect.set_options(timeout=15_000)


class Site:
    def __init__(self, fake: FakeSpotify, app, port: int):
        self.fake = fake
        self.app = app
        self.url = f"http://127.0.0.1:{port}"


class Console:
    """What the page said in error; a test may allow errors matching a pattern."""

    def __init__(self):
        self.errors: list[str] = []
        self.allowed: list[str] = []

    def allow(self, pattern: str) -> None:
        self.allowed.append(pattern)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(re.search(a, e) for a in self.allowed)]


def open_page(browser, console: Console, width: int = 1280, timezone_id: str | None = None):
    """A page of its own context, its errors told to console, confirm()s accepted; in the
    browser's time zone, or timezone_id."""
    viewport = {"width": width, "height": WIDTHS[width]}
    context = browser.new_context(viewport=viewport, timezone_id=timezone_id)
    page = context.new_page()
    page.on("console", lambda m: console.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console.errors.append(f"uncaught: {error}"))
    page.on("dialog", lambda dialog: dialog.accept())  # confirm() before deleting
    return context, page


def sign_in(page, site: Site) -> None:
    page.goto(site.url + "/")
    page.get_by_role("link", name="Sign in with Spotify").click()
    page.wait_for_url(site.url + "/")
    expect(page.get_by_role("heading", name="Your playlists")).to_be_visible()
    expect(page.locator(".card").first).to_be_visible()


def csrf(page) -> str:
    return page.locator('meta[name="csrf-token"]').get_attribute("content")


def api(page, method: str, path: str, body: dict | None = None) -> dict:
    """A call of the app's API as the signed-in page (its cookie and CSRF token); the answer."""
    response = page.request.fetch(
        urljoin(page.url, path), method=method, headers={"X-CSRF-Token": csrf(page)}, data=body
    )
    assert response.ok, response.text()
    return response.json()


def schedules_loaded(page) -> None:
    expect(page.locator("#schedule-count")).not_to_have_text("")
    expect(page.locator("#progress")).to_be_hidden()


def status(page):
    return page.locator("#status")


def staged_uris(page) -> list[str]:
    return page.locator("#tracks li.track").evaluate_all("rows => rows.map(r => r.dataset.uri)")


def open_workshop(page, site: Site, playlist: str = MORNING_RUN) -> None:
    page.goto(f"{site.url}/workshop/{playlist}")
    expect(page.locator("#tracks li.track").first).to_be_visible()
    expect(page.locator("#progress")).to_be_hidden()  # every panel loaded


# --- flows ----------------------------------------------------------------------------------


UNNAMED_CONTROLS = """() => [...document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, a[href]")]
  .filter((c) => !c.closest("[hidden]"))
  .filter((c) => !((c.getAttribute("aria-label") || "").trim()
    || [...(c.labels || [])].some((l) => l.textContent.trim())
    || ((c.tagName === "BUTTON" || c.tagName === "A") && c.textContent.trim())))
  .map((c) => c.outerHTML.slice(0, 120))"""


WIDE = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth)
  .map((e) => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))"""


def shoot(page, folder: Path, name: str, width: int) -> None:
    """Check the page fits the width and labels every control, then screenshot it."""
    assert page.evaluate(UNNAMED_CONTROLS) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.evaluate(WIDE)
    height = min(page.evaluate("document.documentElement.scrollHeight"), 2400)
    page.screenshot(
        path=folder / f"{name}-{width}.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": height},
        animations="disabled",
    )


def shoot_between(page, folder: Path, name: str, width: int, first: str, last: str) -> None:
    """As shoot(), of the part of the page from the top of `first` to the bottom of `last`."""
    assert page.evaluate(UNNAMED_CONTROLS) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.evaluate(WIDE)
    top, bottom = page.evaluate(
        """([first, last]) => [
          document.querySelector(first).getBoundingClientRect().top + window.scrollY - 16,
          document.querySelector(last).getBoundingClientRect().bottom + window.scrollY + 16]""",
        [first, last],
    )
    page.screenshot(
        path=folder / f"{name}-{width}.png",
        full_page=True,
        clip={"x": 0, "y": top, "width": width, "height": bottom - top},
        animations="disabled",
    )
