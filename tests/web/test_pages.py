"""The pages in-process (issue 13), on SQLite and PostgreSQL, against the fake Spotify. Covered:

- Each page's status and Content-Type, signed in and out: the landing page (sign-in link,
  the denied and deleted notes, the note naming SPOTIFY_CLIENT_ID/SECRET when sign-in is
  off) or the dashboard; the workshop, schedules and rules send a signed-out browser to /; terms
  and privacy for everyone, the delete button only when signed in. No page is cached.
- The CSRF token in <meta> and in the sign-out form is the session's, and signing out
  through that form works.
- The DEMO banner on every page with DEMO=true and on none without it.
- No inline script or style anywhere (every <script> has a src and no body, no style
  attribute, no <style>, no on* handler) and nothing from another origin (HTML parsed).
- Escaping: a display name holding markup is shown as text; playlist names never reach
  the server-rendered HTML; an avatar from a host the CSP blocks is left out.
- /static: content types, the version query string is the content's hash, a long cache
  lifetime for the current version only, 404 for missing files, nothing outside the folder;
  the rules page alone loads rules.js and its own stylesheet, rules.css.
"""

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from app_settings import spotify_settings
from signed_in import SignedIn
from wsgi_client import Client

from shuffify import database
from shuffify.web.app import create_app

STATIC = Path(__file__).resolve().parents[2] / "shuffify" / "web" / "static"
PLAYLIST = "37i9dQZF1DXcBWIGoYBM5M"
SIGNED_IN_PAGES = ("/", f"/workshop/{PLAYLIST}", "/schedules", "/rules", "/terms", "/privacy")
OPEN_PAGES = ("/", "/terms", "/privacy")
BANNER = "a fake Spotify with made-up data"
EVIL = "<script>alert('x')</script>"


class Page(HTMLParser):
    """The parts of a page these tests look at."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.script_bodies: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag
            self.script_bodies.append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.script_bodies[-1] += data
        else:
            self.text.append(data)

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.elements if name == tag]

    def meta(self, name: str) -> str | None:
        found = [m.get("content") for m in self.all("meta") if m.get("name") == name]
        return found[0] if found else None

    @property
    def plain_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def html_of(response) -> Page:
    assert response.status == 200, response.raw[:300]
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return Page(response.raw.decode())


def current_version(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


# --- status, content type, signed in or out --------------------------------------------------


def test_landing_page_signed_out_offers_sign_in(spotify_app):
    page = html_of(Client(spotify_app).get("/"))
    assert "Sign in with Spotify" in page.plain_text
    assert {"class": "button primary big", "href": "/login"} in page.all("a")
    assert page.meta("csrf-token") is None
    assert page.all("script") == []  # the landing page needs no script at all
    assert "Your playlists" not in page.plain_text


def test_landing_page_says_when_sign_in_was_declined_or_the_account_deleted(spotify_app):
    client = Client(spotify_app)
    assert "You declined on Spotify's page" in html_of(client.get("/?signin=denied")).plain_text
    assert "You declined" not in html_of(client.get("/")).plain_text
    deleted = html_of(client.get("/?deleted=1")).plain_text
    assert "everything it kept about you are deleted" in deleted


def test_landing_page_names_the_settings_when_sign_in_is_off(client):
    page = html_of(client.get("/"))
    assert "SPOTIFY_CLIENT_ID" in page.plain_text and "SPOTIFY_CLIENT_SECRET" in page.plain_text
    assert "Sign-in is not set up on this server" in page.plain_text
    assert not [a for a in page.all("a") if a.get("href") == "/login"]


def test_signed_in_root_is_the_dashboard_with_the_sessions_csrf_token(ada):
    page = html_of(ada.get("/"))
    assert "Your playlists" in page.plain_text
    assert "Sign in with Spotify" not in page.plain_text
    assert page.meta("csrf-token") == ada.csrf
    scripts = [s["src"] for s in page.all("script")]
    assert scripts == [
        f"/static/api.js?v={current_version('api.js')}",
        f"/static/dashboard.js?v={current_version('dashboard.js')}",
        f"/static/transfer.js?v={current_version('transfer.js')}",
        f"/static/limits.js?v={current_version('limits.js')}",
    ]
    forms = [f for f in page.all("form") if f.get("action") == "/logout"]
    assert forms == [{"method": "post", "action": "/logout", "class": "signout"}]
    hidden = [i for i in page.all("input") if i.get("name") == "csrf_token"]
    assert hidden == [{"type": "hidden", "name": "csrf_token", "value": ada.csrf}]


def test_the_sign_out_form_signs_out(ada):
    page = html_of(ada.get("/"))
    token = next(i["value"] for i in page.all("input") if i.get("name") == "csrf_token")
    body = urlencode({"csrf_token": token}).encode()
    response = ada.client.request(
        "POST", "/logout", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 303 and response.headers["Location"].endswith("/")
    assert ada.get("/api/me").status == 401
    assert "Sign in with Spotify" in html_of(ada.get("/")).plain_text


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_every_page_answers_html_when_signed_in(ada, path):
    response = ada.get(path)
    page = html_of(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response.headers
    assert page.meta("csrf-token") == ada.csrf
    assert "Ada" in page.plain_text  # the header names who is signed in


@pytest.mark.parametrize("path", OPEN_PAGES)
def test_open_pages_answer_html_when_signed_out(spotify_app, path):
    page = html_of(Client(spotify_app).get(path))
    assert page.meta("csrf-token") is None
    assert "Sign out" not in page.plain_text


@pytest.mark.parametrize("path", [f"/workshop/{PLAYLIST}", "/schedules", "/rules"])
def test_signed_out_pages_that_need_a_user_send_the_browser_home(spotify_app, path):
    response = Client(spotify_app).get(path)
    assert response.status == 303
    assert response.headers["Location"] in ("/", "http://127.0.0.1/")


def test_workshop_page_carries_the_playlist_id_and_refuses_a_malformed_one(ada):
    page = html_of(ada.get(f"/workshop/{PLAYLIST}"))
    assert {"class": "workshop", "id": "workshop", "data-playlist-id": PLAYLIST} in page.all("div")
    assert ada.get("/workshop/not-an-id!").status == 404


def test_privacy_page_says_what_is_stored_and_offers_deletion_only_when_signed_in(spotify_app, ada):
    signed_in = html_of(ada.get("/privacy"))
    for stored in (
        "Spotify profile",
        "refresh token, encrypted",
        "Login sessions",
        "Playlist history",
        "Saved workshop sessions",
        "Upstream sources",
        "Schedules and their runs",
    ):
        assert stored in signed_in.plain_text
    assert {"type": "button", "class": "danger", "id": "delete-account"} in signed_in.all("button")
    assert any(s["src"].startswith("/static/account.js?v=") for s in signed_in.all("script"))
    signed_out = html_of(Client(spotify_app).get("/privacy"))
    assert not [b for b in signed_out.all("button") if b.get("id") == "delete-account"]


def test_an_unknown_page_answers_the_json_404(spotify_app):
    response = Client(spotify_app).get("/no-such-page")
    assert response.status == 404
    assert response.json["error"]["status"] == 404


# --- the demo banner ------------------------------------------------------------------------


@pytest.fixture(params=["true", "false"])
def demo_app(request, db_url, make_settings, fake_spotify):
    settings = make_settings(
        **spotify_settings(fake_spotify, DATABASE_URL=db_url, DEMO=request.param)
    )
    application = create_app(settings)
    yield application, request.param == "true"
    database.close_database(database.db.obj)


def test_demo_banner_on_every_page_only_in_demo_mode(demo_app, fake_spotify):
    application, demo = demo_app
    signed_out = Client(application)
    for path in OPEN_PAGES:
        assert (BANNER in html_of(signed_out.get(path)).plain_text) is demo, path
    fake_spotify.add_user("ada", "Ada")
    ada = SignedIn.through(Client(application), fake_spotify, "ada")
    for path in SIGNED_IN_PAGES:
        assert (BANNER in html_of(ada.get(path)).plain_text) is demo, path


# --- no inline script or style, nothing from elsewhere ----------------------------------------


def check_self_contained(page: Page, path: str) -> None:
    assert all(body.strip() == "" for body in page.script_bodies), path
    assert not [t for t, _ in page.elements if t == "style"], path
    for tag, attrs in page.elements:
        assert "style" not in attrs, (path, tag, attrs)
        assert not [name for name in attrs if name.startswith("on")], (path, tag, attrs)
    for script in page.all("script"):
        assert script["src"].startswith("/static/"), path
    for link in page.all("link"):
        assert link["href"].startswith("/static/"), path
    for image in page.all("img"):
        assert image["src"].startswith(("/static/", "data:image/", "https://i.scdn.co/")), path


def test_no_page_has_inline_script_or_style_or_outside_assets(spotify_app, ada):
    for path in SIGNED_IN_PAGES:
        check_self_contained(html_of(ada.get(path)), path)
    signed_out = Client(spotify_app)
    for path in (*OPEN_PAGES, "/?signin=denied"):
        check_self_contained(html_of(signed_out.get(path)), path)


def test_the_static_scripts_never_write_html_from_strings():
    sinks = re.compile(r"\.(inner|outer)HTML\s*\+?=|insertAdjacentHTML\(|document\.write|\beval\(")
    for script in STATIC.glob("*.js"):
        assert not sinks.search(script.read_text()), script.name


# --- escaping -------------------------------------------------------------------------------


def test_a_display_name_with_markup_is_shown_as_text(spotify_app, fake_spotify):
    fake_spotify.add_user("mallory", EVIL)
    mallory = SignedIn.through(Client(spotify_app), fake_spotify, "mallory")
    for path in SIGNED_IN_PAGES:
        raw = mallory.get(path).raw.decode()
        assert EVIL not in raw, path
        assert "&lt;script&gt;alert(&#039;x&#039;)&lt;/script&gt;" in raw, path
        assert EVIL in Page(raw).plain_text  # what the person reads


def test_playlist_names_never_reach_the_server_rendered_html(ada, fake_spotify):
    playlist = fake_spotify.add_playlist("ada", EVIL, [fake_spotify.track()])
    for path in ("/", f"/workshop/{playlist}", "/schedules"):
        raw = ada.get(path).raw.decode()
        assert "alert(" not in raw, path
    assert ada.get("/api/playlists").json["playlists"][0]["name"] == EVIL  # JSON, for textContent


@pytest.mark.parametrize(
    ("image_url", "shown"),
    [
        ("https://i.scdn.co/image/ab6775700000ee85", True),
        ("https://platform-lookaside.fbsbx.com/platform/profilepic/", False),
        ("http://i.scdn.co/image/plain-http", False),
        ("javascript:alert(1)", False),
    ],
)
def test_the_avatar_is_shown_only_from_hosts_the_csp_allows(
    spotify_app, fake_spotify, image_url, shown
):
    fake_spotify.add_user("eve", "Eve", image_url=image_url)
    eve = SignedIn.through(Client(spotify_app), fake_spotify, "eve")
    avatars = [i for i in html_of(eve.get("/")).all("img") if i.get("class") == "avatar"]
    assert avatars == (
        [{"class": "avatar", "src": image_url, "alt": "", "width": "32", "height": "32"}]
        if shown
        else []
    )


# --- static files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("shuffify.css", "text/css"),
        ("api.js", "text/javascript"),
        ("dashboard.js", "text/javascript"),
        ("workshop.js", "text/javascript"),
        ("schedules.js", "text/javascript"),
        ("rules.js", "text/javascript"),
        ("rules.css", "text/css"),
        ("account.js", "text/javascript"),
        ("favicon.svg", "image/svg+xml"),
    ],
)
def test_static_files_have_their_type_and_cache_headers(spotify_app, name, content_type):
    client = Client(spotify_app)
    response = client.get(f"/static/{name}?v={current_version(name)}")
    assert response.status == 200
    assert response.headers["Content-Type"].split(";")[0] == content_type
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.raw == (STATIC / name).read_bytes()
    assert "Content-Security-Policy" in response.headers
    for stale in (f"/static/{name}", f"/static/{name}?v=0123456789ab"):
        response = client.get(stale)
        assert response.status == 200
        assert response.headers["Cache-Control"] == "public, max-age=300, must-revalidate"


def test_every_asset_a_page_names_exists_under_its_current_version(ada):
    page = html_of(ada.get("/"))
    urls = [s["src"] for s in page.all("script")] + [link["href"] for link in page.all("link")]
    for url in urls:
        match = re.fullmatch(r"/static/([a-z.]+)\?v=([0-9a-f]{12})", url)
        assert match and match.group(2) == current_version(match.group(1)), url


def test_the_rules_page_alone_loads_its_script_and_stylesheet_under_their_versions(ada):
    def assets(path: str) -> set[str]:
        page = html_of(ada.get(path))
        return {s["src"] for s in page.all("script")} | {
            link["href"] for link in page.all("link") if link.get("rel") == "stylesheet"
        }

    rules = assets("/rules")
    own = {f"/static/{name}?v={current_version(name)}" for name in ("rules.js", "rules.css")}
    assert own <= rules
    assert f"/static/shuffify.css?v={current_version('shuffify.css')}" in rules
    for path in ("/", "/schedules", "/settings"):
        assert not {url for url in assets(path) if "/static/rules." in url}, path


@pytest.mark.parametrize(
    "path", ["/static/missing.js", "/static/../settings.py", "/static/%2e%2e/settings.py"]
)
def test_static_serves_nothing_else(spotify_app, path):
    response = Client(spotify_app).get(path)
    assert response.status in (403, 404)
    assert b"SECRET_KEY" not in response.raw
