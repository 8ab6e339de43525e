"""Sign in with Spotify (issue 9) in-process through the WSGI app, against the real HTTP fake
Spotify, on SQLite files and on real PostgreSQL. Covered:

- /login: the authorize redirect (client_id, code, redirect_uri, exactly five scopes, a
  128-bit state, PKCE S256), an HttpOnly flow cookie, the hop to the redirect URI's host, and
  the message naming SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET when sign-in is off.
- /callback: missing/wrong state or no flow cookie is 400 with no token request;
  access_denied returns to / with a message and no session; success stores the profile and
  the refresh token encrypted; the session cookie (HttpOnly, Lax, Path=/, >= 128 bits) and
  its row (a hash only); a second sign-in updates the same user.
- Sessions: /api/me's shape, 401 without a live session, 14 days idle and 30 in all (clock).
- Refresh: after a 401, before expiry, rotation stored or kept, two sessions in turn and at
  once (threads) losing no rotated token, revocation ending the session.
- Key rotation through SECRET_KEY_FALLBACKS (re-encrypted on use), and without the fallback.
- Logout and DELETE /api/me with and without the CSRF token; DELETE /api/me removes every
  row of the user's and nobody else's.
- Isolation (404 for another user's playlist, only own and collaborative ones listed), the
  playlist shapes, paging, entry kinds and ids; 429, 5xx and retries; security headers.
"""

import re
import threading
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from app_settings import spotify_settings
from signed_in import SignedIn, follow_authorize
from wsgi_client import Client

from shuffify import database
from shuffify.accounts.keys import Keys, Undecryptable
from shuffify.models import (
    JobExecution,
    LoginSession,
    Schedule,
    UpstreamSource,
    User,
    WorkshopSession,
    utcnow,
)
from shuffify.spotify import Sender
from shuffify.web.app import create_app

SCOPE = (  # exactly these six, in any order
    "playlist-read-private playlist-read-collaborative playlist-modify-private "
    "playlist-modify-public user-read-private user-library-read"
)
KEY_B = "key-B-fedcba9876543210fedcba9876543210"
SESSION_COOKIE = "shuffify_session"
FLOW_COOKIE = "shuffify_login"
TOKEN_PATH = "/accounts/api/token"
TRACK_KEYS = {"uri", "id", "name", "artists", "album", "duration_ms", "is_local", "image_url"}
TRACK_KEYS |= {"added_at", "release_date"}  # sort and keep_added_dates (issue 20)
TRACK_KEYS |= {"explicit"}  # the rules' explicit filter (issue 21)
BASE64URL_128_BITS = r"[A-Za-z0-9_-]{22,}"  # 22 characters of 6 bits each
SUMMARY_KEYS = {"id", "name", "owner_id", "track_count", "image_url", "snapshot_id"}


# --- Helpers -------------------------------------------------------------------------------


def assert_json_error(response, status: int) -> str:
    """The response is the app's one JSON error shape with this status; returns the message."""
    assert response.status == status, response.raw
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json["error"]["status"] == status
    message = response.json["error"]["message"]
    assert isinstance(message, str) and message
    return message


def cookie(response, name: str):
    """The Morsel of the Set-Cookie for name in response (the last one when set twice)."""
    found = [m for line in response.set_cookies for n, m in SimpleCookie(line).items() if n == name]
    assert found, f"no Set-Cookie for {name}: {response.set_cookies}"
    return found[-1]


def authorize_and_return(client: Client, fake, spotify_id: str) -> str:
    """/login on the app, then the fake's authorize page: the callback path and query."""
    login = client.get("/login")
    assert login.status == 302, login.raw
    return follow_authorize(fake, login.headers["Location"], spotify_id)


def with_query(path: str, **changes) -> str:
    """path with its query changed: a value of None drops the parameter."""
    parts = urlsplit(path)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return f"{parts.path}?{urlencode({k: v for k, v in query.items() if v is not None})}"


def token_calls(fake) -> int:
    return fake.count("POST", TOKEN_PATH)


def stored_refresh_token(spotify_id: str, keys: Keys) -> str:
    return keys.tokens.decrypt(User.get(User.spotify_id == spotify_id).encrypted_refresh_token)[0]


def advance_clock(app, delta: timedelta) -> None:
    """The app's clock, now `delta` ahead of the real one (naive UTC)."""
    app.config["shuffify.services"].clock = lambda: utcnow() + delta


def session_count() -> int:
    return LoginSession.select().count()


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


@pytest.fixture
def keys(fake_spotify):
    """The keys of the app under test, from its SECRET_KEY alone (no fallbacks)."""
    return Keys(spotify_settings(fake_spotify)["SECRET_KEY"])


@pytest.fixture
def restart(db_url, make_settings, fake_spotify, ada):
    """restart(**settings) -> ada's browser on a second app over the same database."""

    def start(**values) -> Client:
        database.close_database(database.db.obj)  # create_app rebinds the global database
        values = spotify_settings(fake_spotify, DATABASE_URL=db_url, **values)
        client = Client(create_app(make_settings(**values)))
        client.cookies = dict(ada.client.cookies)
        return client

    return start


# --- /login --------------------------------------------------------------------------------


def test_login_redirects_to_authorize_with_five_scopes_state_and_pkce(spotify_app, fake_spotify):
    client = Client(spotify_app)
    response = client.get("/login")
    assert response.status == 302
    location = urlsplit(response.headers["Location"])
    assert location._replace(query="").geturl() == f"{fake_spotify.accounts_url}/authorize"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["client_id"] == fake_spotify.client_id
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == "http://127.0.0.1/callback"
    assert sorted(query["scope"].split(" ")) == sorted(SCOPE.split())
    assert re.fullmatch(BASE64URL_128_BITS, query["state"])
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43  # base64url of a SHA-256, unpadded
    again = parse_qs(urlsplit(Client(spotify_app).get("/login").headers["Location"]).query)
    assert again["state"][0] != query["state"]
    assert again["code_challenge"][0] != query["code_challenge"]
    assert cookie(response, FLOW_COOKIE)["httponly"] is True


def test_login_on_another_host_first_goes_to_the_redirect_uris_host(spotify_app):
    response = Client(spotify_app).get("/login", headers={"Host": "localhost"})
    assert response.status == 302
    assert response.headers["Location"] == "http://127.0.0.1/login"
    assert not any(FLOW_COOKIE in line for line in response.set_cookies)


def test_login_with_signin_off_names_the_variables_to_set(db_url, make_settings):
    app = create_app(make_settings(DATABASE_URL=db_url, APP_ENV="testing"))
    try:
        message = assert_json_error(Client(app).get("/login"), 503)
        assert "SPOTIFY_CLIENT_ID" in message and "SPOTIFY_CLIENT_SECRET" in message
        assert Client(app).get("/health").status == 200
    finally:
        database.close_database(database.db.obj)


# --- /callback -----------------------------------------------------------------------------


@pytest.mark.parametrize("problem", ["missing state", "wrong state", "no flow cookie"])
def test_callback_with_bad_state_answers_400_and_requests_no_token(
    spotify_app, fake_spotify, problem
):
    fake_spotify.add_user("ada", "Ada")
    client = Client(spotify_app)
    path = authorize_and_return(client, fake_spotify, "ada")
    if problem == "missing state":
        path = with_query(path, state=None)
    elif problem == "wrong state":
        path = with_query(path, state="x" * 43)
    else:
        client.cookies.pop(FLOW_COOKIE)
    assert_json_error(client.get(path), 400)
    assert token_calls(fake_spotify) == 0
    assert session_count() == 0 and SESSION_COOKIE not in client.cookies


def test_callback_with_access_denied_returns_home_with_a_message_and_no_session(
    spotify_app, fake_spotify
):
    fake_spotify.add_user("ada", "Ada")
    fake_spotify.deny_next_login = True
    client = Client(spotify_app)
    path = authorize_and_return(client, fake_spotify, "ada")
    assert parse_qs(urlsplit(path).query)["error"] == ["access_denied"]
    response = client.get(path)
    assert response.status == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/" and parse_qs(location.query)
    assert SESSION_COOKIE not in client.cookies and session_count() == 0
    assert token_calls(fake_spotify) == 0
    assert User.select().count() == 0
    assert client.get("/api/me").status == 401


def test_callback_stores_the_profile_and_the_refresh_token_encrypted(
    spotify_app, fake_spotify, keys
):
    fake_spotify.add_user("ada", "Ada Lovelace", image_url="https://i.scdn.co/image/ada1")
    SignedIn.through(Client(spotify_app), fake_spotify, "ada")
    user = User.get(User.spotify_id == "ada")
    assert user.display_name == "Ada Lovelace" and user.email is None
    assert user.profile_image_url == "https://i.scdn.co/image/ada1"
    issued = fake_spotify.issued_secrets()
    assert user.encrypted_refresh_token not in issued
    assert not any(secret in user.encrypted_refresh_token for secret in issued)
    assert keys.tokens.decrypt(user.encrypted_refresh_token)[0] in issued
    with pytest.raises(Undecryptable):
        Keys(KEY_B).tokens.decrypt(user.encrypted_refresh_token)


def test_session_cookie_is_httponly_lax_root_path_not_secure_and_long(spotify_app, fake_spotify):
    fake_spotify.add_user("ada", "Ada")
    client = Client(spotify_app)
    response = client.get(authorize_and_return(client, fake_spotify, "ada"))
    assert response.status == 302
    morsel = cookie(response, SESSION_COOKIE)
    assert morsel["httponly"] is True
    assert morsel["samesite"].lower() == "lax"
    assert morsel["path"] == "/"
    assert not morsel["secure"]
    assert re.fullmatch(BASE64URL_128_BITS, morsel.value)


def test_login_session_row_holds_only_a_hash_of_the_cookie_id(ada):
    session_id = ada.client.cookies[SESSION_COOKIE]
    rows = list(LoginSession.select().dicts())
    assert len(rows) == 1
    assert rows[0]["id_hash"] != session_id
    assert not any(session_id in str(value) for row in rows for value in row.values())


def test_second_signin_of_the_same_user_updates_the_profile(spotify_app, fake_spotify):
    fake_spotify.add_user("ada", "Ada")
    first = SignedIn.through(Client(spotify_app), fake_spotify, "ada")
    fake_spotify.add_user("ada", "Ada King", image_url="https://i.scdn.co/image/ada2")
    second = SignedIn.through(Client(spotify_app), fake_spotify, "ada")
    assert first.user_id == second.user_id
    users = [(u.spotify_id, u.display_name, u.profile_image_url) for u in User.select()]
    assert users == [("ada", "Ada King", "https://i.scdn.co/image/ada2")]


# --- Sessions ------------------------------------------------------------------------------


def test_api_me_answers_the_user_without_any_token_and_a_csrf_token(ada):
    body = ada.get("/api/me").json
    assert set(body) == {"user", "csrf_token"}
    assert body["user"]["spotify_id"] == "ada" and body["user"]["display_name"] == "Ada"
    assert "encrypted_refresh_token" not in body["user"]
    assert isinstance(body["csrf_token"], str) and len(body["csrf_token"]) >= 22


@pytest.mark.parametrize("cookie_value", [None, "made-up-0123456789abcdefghijklmnopqrstuvw"])
def test_api_me_without_a_live_session_answers_401_json(spotify_app, cookie_value):
    client = Client(spotify_app)
    if cookie_value:
        client.cookies[SESSION_COOKIE] = cookie_value
    assert_json_error(client.get("/api/me"), 401)


def test_session_idle_for_more_than_14_days_ends_and_its_row_is_deleted(spotify_app, ada):
    advance_clock(spotify_app, timedelta(days=13, hours=23))
    assert ada.get("/api/me").status == 200
    advance_clock(spotify_app, timedelta(days=13, hours=23) + timedelta(days=14, minutes=1))
    assert_json_error(ada.get("/api/me"), 401)
    assert session_count() == 0


def test_session_used_within_14_days_lives_up_to_30_days_then_ends(spotify_app, ada):
    for days in (10, 20, 29.9):
        advance_clock(spotify_app, timedelta(days=days))
        assert ada.get("/api/me").status == 200, days
    advance_clock(spotify_app, timedelta(days=30, minutes=1))
    assert_json_error(ada.get("/api/me"), 401)
    assert session_count() == 0


# --- Refreshing tokens ---------------------------------------------------------------------


def test_expired_access_token_is_refreshed_once_and_the_call_retried(fake_spotify, ada):
    fake_spotify.expire_access_tokens()
    before = token_calls(fake_spotify)
    fake_spotify.reset_calls()
    assert ada.get("/api/playlists").status == 200
    assert token_calls(fake_spotify) == 1 and before >= 1
    listing = [c.status for c in fake_spotify.calls if c.path == "/v1/me/playlists"]
    assert listing == [401, 200]


def test_token_about_to_expire_is_refreshed_before_calling_the_api(fake_spotify, sign_in):
    fake_spotify.token_lifetime_s = 30  # inside the 60 s margin
    ada = sign_in("ada")
    fake_spotify.reset_calls()
    assert ada.get("/api/playlists").status == 200
    calls = [(c.path, c.status) for c in fake_spotify.calls]
    assert calls == [(TOKEN_PATH, 200), ("/v1/me/playlists", 200)]


def test_rotated_refresh_token_is_stored_and_works_for_the_next_refresh(fake_spotify, ada, keys):
    old = stored_refresh_token("ada", keys)
    fake_spotify.rotate_refresh_tokens = True
    for _ in range(2):
        fake_spotify.expire_access_tokens()
        assert ada.get("/api/playlists").status == 200
        new = stored_refresh_token("ada", keys)
        assert new != old and new in fake_spotify.issued_secrets()
        old = new
    assert all(c.status == 200 for c in fake_spotify.calls if c.path == TOKEN_PATH)


def test_refresh_without_rotation_keeps_the_stored_refresh_token(fake_spotify, ada, keys):
    old = stored_refresh_token("ada", keys)
    fake_spotify.expire_access_tokens()
    before = token_calls(fake_spotify)
    assert ada.get("/api/playlists").status == 200
    assert token_calls(fake_spotify) == before + 1
    assert stored_refresh_token("ada", keys) == old


def both_get(first: SignedIn, second: SignedIn, path: str, at_once: bool) -> list[int]:
    """Statuses of the two clients' GETs, one after the other or from two threads at once."""
    if not at_once:
        return [first.get(path).status, second.get(path).status]
    statuses = [0, 0]
    barrier = threading.Barrier(2)

    def run(index: int, who: SignedIn) -> None:
        barrier.wait(timeout=10)
        statuses[index] = who.get(path).status

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return statuses


@pytest.mark.parametrize("at_once", [False, True], ids=["in-turn", "two-threads"])
def test_two_sessions_of_one_user_refreshing_after_rotation_keep_working(
    fake_spotify, sign_in, keys, at_once
):
    first, second = sign_in("ada"), sign_in("ada")
    fake_spotify.rotate_refresh_tokens = True
    fake_spotify.expire_access_tokens()
    issued_before = fake_spotify.issued_secrets()
    assert both_get(first, second, "/api/playlists", at_once) == [200, 200]
    stored = stored_refresh_token("ada", keys)
    assert stored in fake_spotify.issued_secrets() - issued_before  # the latest rotated one
    assert all(c.status == 200 for c in fake_spotify.calls if c.path == TOKEN_PATH)
    fake_spotify.expire_access_tokens()  # and it still works, for both sessions
    assert both_get(first, second, "/api/playlists", at_once=False) == [200, 200]
    assert all(c.status == 200 for c in fake_spotify.calls if c.path == TOKEN_PATH)


def test_revoked_refresh_token_answers_401_sign_in_again_and_ends_the_session(fake_spotify, ada):
    fake_spotify.revoke("ada")
    fake_spotify.expire_access_tokens()
    message = assert_json_error(ada.get("/api/playlists"), 401)
    assert "sign in again" in message
    assert session_count() == 0
    assert_json_error(ada.get("/api/me"), 401)


# --- Rotating SECRET_KEY -------------------------------------------------------------------


def test_token_under_a_fallback_key_still_works_and_is_reencrypted(fake_spotify, restart):
    old_key = spotify_settings(fake_spotify)["SECRET_KEY"]
    client = restart(SECRET_KEY=KEY_B, SECRET_KEY_FALLBACKS=old_key)
    fake_spotify.expire_access_tokens()
    before = token_calls(fake_spotify)
    assert client.get("/api/playlists").status == 200
    assert token_calls(fake_spotify) == before + 1
    assert stored_refresh_token("ada", Keys(KEY_B)) in fake_spotify.issued_secrets()
    fake_spotify.expire_access_tokens()
    assert client.get("/api/playlists").status == 200  # the re-encrypted token works


def test_token_under_a_key_no_longer_listed_means_sign_in_again(fake_spotify, restart):
    client = restart(SECRET_KEY=KEY_B)
    fake_spotify.expire_access_tokens()
    assert "sign in again" in assert_json_error(client.get("/api/playlists"), 401)
    assert_json_error(client.get("/api/me"), 401)


# --- Logout and CSRF -----------------------------------------------------------------------


def assert_cookie_cleared(response, name: str) -> None:
    """A Set-Cookie for name with Max-Age=0 (or less) or an expiry in the past."""
    morsel = cookie(response, name)
    max_age, expires = morsel["max-age"], morsel["expires"]
    past = bool(expires) and parsedate_to_datetime(expires) < datetime.now(UTC)
    assert (str(max_age) != "" and int(max_age) <= 0) or past, response.set_cookies


@pytest.mark.parametrize("how", ["form field", "header"])
def test_logout_with_the_csrf_token_deletes_the_session_and_clears_the_cookie(ada, how):
    if how == "form field":
        body = urlencode({"csrf_token": ada.csrf}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    else:
        body, headers = b"", {"X-CSRF-Token": ada.csrf}
    response = ada.client.request("POST", "/logout", body, headers)
    assert response.status in (302, 303)
    assert session_count() == 0
    assert_cookie_cleared(response, SESSION_COOKIE)
    assert SESSION_COOKIE not in ada.client.cookies


@pytest.mark.parametrize("token", ["", "wrong-token"])
def test_logout_without_the_csrf_token_answers_403_and_the_session_lives(ada, token):
    assert_json_error(ada.write("POST", "/logout", csrf=token), 403)
    assert session_count() == 1
    assert ada.get("/api/me").status == 200


@pytest.mark.parametrize("token", ["", "wrong-token"])
def test_delete_me_without_the_right_csrf_token_answers_403_and_keeps_the_user(ada, token):
    assert_json_error(ada.write("DELETE", "/api/me", csrf=token), 403)
    assert User.select().where(User.spotify_id == "ada").count() == 1
    assert ada.get("/api/me").status == 200
    assert ada.delete("/api/me").status == 200  # with the token it goes through


# --- Leaving -------------------------------------------------------------------------------


def give_rows(user_id: int) -> None:
    """One row of everything a user can own."""
    WorkshopSession.create(user=user_id, playlist_id="p1", session_name="w", track_uris_json="[]")
    UpstreamSource.create(user=user_id, target_playlist_id="p1", source_playlist_id="p2")
    schedule = Schedule.create(user=user_id, job_type="shuffle", target_playlist_id="p1")
    JobExecution.create(schedule=schedule)


def test_delete_me_removes_the_user_and_all_their_rows_only(sign_in):
    ada, bob = sign_in("ada"), sign_in("bob")
    give_rows(ada.user_id)
    give_rows(bob.user_id)
    response = ada.delete("/api/me")
    assert response.status == 200
    assert [u.spotify_id for u in User.select()] == ["bob"]
    for model in (WorkshopSession, UpstreamSource, Schedule, LoginSession):
        assert [row.user_id for row in model.select()] == [bob.user_id], model.__name__
    assert [e.schedule.user_id for e in JobExecution.select()] == [bob.user_id]
    assert_json_error(ada.get("/api/me"), 401)
    assert bob.get("/api/me").status == 200


# --- Isolation -----------------------------------------------------------------------------


@pytest.mark.parametrize("reader, owner", [("ada", "bob"), ("bob", "ada")])
def test_another_users_private_playlist_answers_404_like_a_missing_one(
    fake_spotify, sign_in, reader, owner
):
    clients = {name: sign_in(name) for name in ("ada", "bob")}
    private = fake_spotify.add_playlist(owner, "Private", [fake_spotify.track()])
    fake_spotify.fail_next("GET", rf"^/v1/playlists/{private}$", 404)  # as Spotify answers it
    theirs = clients[reader].get(f"/api/playlists/{private}")
    missing = clients[reader].get("/api/playlists/0000000000000000000000")
    assert_json_error(theirs, 404)
    assert_json_error(missing, 404)
    assert theirs.json == missing.json
    assert clients[owner].get(f"/api/playlists/{private}").status == 200


def test_playlist_list_holds_only_owned_and_collaborative_playlists(fake_spotify, sign_in):
    ada, bob = sign_in("ada"), sign_in("bob")
    own_a = fake_spotify.add_playlist("ada", "Ada's")
    own_b = fake_spotify.add_playlist("bob", "Bob's", followers=("ada",), public=True)
    shared = fake_spotify.add_playlist("bob", "Both", collaborative=True, collaborators=("ada",))
    followed = fake_spotify.add_playlist("ada", "Bob follows", followers=("bob",), public=True)
    listed = {
        who.spotify_id: [p["id"] for p in who.get("/api/playlists").json["playlists"]]
        for who in (ada, bob)
    }
    assert listed["ada"] == [own_a, shared, followed]
    assert listed["bob"] == [own_b, shared]


# --- Playlists -----------------------------------------------------------------------------


def test_playlist_list_has_the_summary_shape_and_follows_paging(fake_spotify, ada):
    created = [fake_spotify.add_playlist("ada", f"List {n}") for n in range(60)]
    fake_spotify.reset_calls()
    response = ada.get("/api/playlists")
    assert response.status == 200 and set(response.json) == {"playlists"}
    playlists = response.json["playlists"]
    assert [p["id"] for p in playlists] == created
    assert all(set(p) == SUMMARY_KEYS for p in playlists)
    first = playlists[0]
    assert (first["name"], first["owner_id"], first["track_count"]) == ("List 0", "ada", 0)
    assert first["snapshot_id"] == fake_spotify.snapshot_id(created[0])
    assert first["image_url"].startswith("https://")
    assert fake_spotify.count("GET", r"^/v1/me/playlists$") == 2


def test_playlist_answers_every_entry_in_order_in_the_track_shape(fake_spotify, ada):
    items = [fake_spotify.track() for _ in range(119)]
    items[10] = fake_spotify.episode(show="The Show")
    items[60] = fake_spotify.local(name="Home Song", artist="Me")
    playlist = fake_spotify.add_playlist("ada", "Long", items, description="long one")
    fake_spotify.add_unavailable(playlist)
    fake_spotify.reset_calls()
    response = ada.get(f"/api/playlists/{playlist}")
    assert response.status == 200
    body = response.json
    assert {"id", "name", "description", "owner_id", "snapshot_id", "track_count"} <= set(body)
    assert (body["id"], body["name"], body["owner_id"]) == (playlist, "Long", "ada")
    assert body["track_count"] == 120 and len(body["tracks"]) == 120
    assert all(set(track) == TRACK_KEYS for track in body["tracks"])
    assert [t["uri"] for t in body["tracks"]] == fake_spotify.playlist_uris(playlist)
    episode, local, gone = body["tracks"][10], body["tracks"][60], body["tracks"][119]
    assert episode["uri"].startswith("spotify:episode:") and episode["album"] == "The Show"
    assert local["is_local"] is True and local["artists"] == ["Me"] and local["id"] is None
    assert gone["uri"] is None and gone["artists"] == []
    assert body["tracks"][0]["artists"] == ["Artist"] and body["tracks"][0]["album"] == "Album"
    assert fake_spotify.count("GET", rf"^/v1/playlists/{playlist}$") == 1
    assert fake_spotify.count("GET", rf"^/v1/playlists/{playlist}/items$") == 3


def test_playlist_spotify_shares_as_metadata_only_answers_null_tracks_with_a_reason(
    fake_spotify, sign_in
):
    ada = sign_in("ada")
    theirs = fake_spotify.add_playlist("bob", "Bob's", [fake_spotify.track()], public=True)
    response = ada.get(f"/api/playlists/{theirs}")
    assert response.status == 200
    assert response.json["tracks"] is None
    assert response.json["name"] == "Bob's" and response.json["reason"]


@pytest.mark.parametrize("bad_id", ["abc-def", "abc_def", "abc.def", "a b", "..", "ab%2Fc"])
def test_playlist_id_that_is_not_base62_answers_404_without_asking_spotify(
    fake_spotify, ada, bad_id
):
    fake_spotify.reset_calls()
    assert_json_error(ada.get(f"/api/playlists/{bad_id}"), 404)
    assert fake_spotify.calls == []


# --- Spotify errors ------------------------------------------------------------------------


@pytest.fixture
def small_playlist(fake_spotify, ada):
    return fake_spotify.add_playlist("ada", "Small", [fake_spotify.track()])


ITEMS = r"^/v1/playlists/[^/]+/items$"


def test_long_rate_limit_answers_503_with_retry_after(fake_spotify, ada, small_playlist):
    fake_spotify.fail_next("GET", ITEMS, 429, retry_after=30)
    response = ada.get(f"/api/playlists/{small_playlist}")
    assert "30" in assert_json_error(response, 503)
    assert response.headers["Retry-After"] == "30"
    assert fake_spotify.count("GET", ITEMS) == 1


def test_a_rate_limit_over_a_minute_pauses_shuffify_and_says_until_when(
    fake_spotify, ada, small_playlist
):
    fake_spotify.fail_next("GET", ITEMS, 429, retry_after=120)
    response = ada.get(f"/api/playlists/{small_playlist}")
    assert "Spotify has paused Shuffify until" in assert_json_error(response, 503)
    assert response.headers["Retry-After"] == "120"
    assert fake_spotify.count("GET", ITEMS) == 1


def test_short_rate_limit_is_waited_out(fake_spotify, ada, small_playlist):
    fake_spotify.fail_next("GET", ITEMS, 429, retry_after=1)
    response = ada.get(f"/api/playlists/{small_playlist}")
    assert response.status == 200 and len(response.json["tracks"]) == 1
    assert [c.status for c in fake_spotify.calls if c.path.endswith("/items")] == [429, 200]


def test_two_server_errors_on_a_get_are_retried(fake_spotify, ada, small_playlist):
    fake_spotify.fail_next("GET", ITEMS, 500, count=2)
    response = ada.get(f"/api/playlists/{small_playlist}")
    assert response.status == 200 and len(response.json["tracks"]) == 1
    assert [c.status for c in fake_spotify.calls if c.path.endswith("/items")] == [500, 500, 200]


def test_server_error_on_every_attempt_answers_503_json(fake_spotify, ada, small_playlist):
    fake_spotify.fail_next("GET", ITEMS, 500, count=100)
    assert_json_error(ada.get(f"/api/playlists/{small_playlist}"), 503)
    assert fake_spotify.count("GET", ITEMS) > 1


# --- Security headers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, signed_in, status",
    [("/health", False, 200), ("/api/me", True, 200), ("/api/me", False, 401), ("/no", True, 404)],
)
def test_security_headers_on_every_response(spotify_app, ada, path, signed_in, status):
    response = (ada.client if signed_in else Client(spotify_app)).get(path)
    assert response.status == status
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers


def test_no_database_connection_is_held_while_waiting_on_spotify(
    sign_in, fake_spotify, monkeypatch
):
    """A request gives its pooled connection back before each Web API call (the pool
    is small, and Spotify slow), and takes one again for its next query."""
    ada = sign_in("ada")
    pid = fake_spotify.add_playlist("ada", "Mine", [fake_spotify.track() for _ in range(60)])
    held = []
    send = Sender.send

    def recording(self, method, url, **kwargs):
        if "/v1/" in url:
            held.append(not database.db.is_closed())
        return send(self, method, url, **kwargs)

    monkeypatch.setattr(Sender, "send", recording)
    assert ada.get(f"/api/playlists/{pid}").status == 200
    body = {"algorithm": "basic", "params": {"seed": 1}}
    assert ada.post(f"/api/playlists/{pid}/shuffle", body).status == 200
    assert len(held) >= 5 and not any(held)
