"""The browser tests' fixtures: Chromium, the site (a real `python app.py` against the
seeded fake Spotify), the console a page reports errors to, a signed-out page, and the
folder screenshots go to. Their parts are in browser_pages.py.
"""

import os
from pathlib import Path

import pytest
from browser_pages import BROWSER_ZONE, CHROMIUM, DOCS_SCREENSHOTS, Console, Site, open_page
from demo_data import seed_demo
from fake_spotify import FakeSpotify
from pg_cluster import free_port
from playwright.sync_api import sync_playwright


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def site(apps, tmp_path):
    """The app as production runs it, on SQLite, signing in against the seeded fake."""
    with FakeSpotify() as fake:
        seed_demo(fake)
        port = free_port()
        app = apps(
            "web",
            PORT=str(port),
            APP_ENV="development",
            DATABASE_URL=f"sqlite:///{tmp_path / 'web.db'}",
            LOG_LEVEL="WARNING",
            SCHEDULER_POLL_S="1",
            SPOTIFY_CLIENT_ID=fake.client_id,
            SPOTIFY_CLIENT_SECRET=fake.client_secret,
            SPOTIFY_ACCOUNTS_URL=fake.accounts_url,
            SPOTIFY_API_URL=fake.api_url,
            SPOTIFY_REDIRECT_URI=f"http://127.0.0.1:{port}/callback",
            DEMO="true",
        )
        app.wait_for_health()
        yield Site(fake, app, port)


@pytest.fixture
def console():
    return Console()


@pytest.fixture
def page(browser, console, site):
    """A page closed before the site stops: a page polling a stopped app logs errors."""
    context, page = open_page(browser, console)
    yield page
    context.close()
    assert console.unexpected() == []


@pytest.fixture
def page_elsewhere(browser, console, site):
    """A page whose browser is in BROWSER_ZONE."""
    context, page = open_page(browser, console, timezone_id=BROWSER_ZONE)
    yield page
    context.close()
    assert console.unexpected() == []


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """docs/screenshots/ with UPDATE_SCREENSHOTS=1; else a temporary folder, so a test run
    leaves the working tree clean."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")
