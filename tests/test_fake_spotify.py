"""The fake Spotify itself, over real HTTP: the app's tests are only as good as it is."""

import base64
import hashlib
import http.client
import json
import secrets
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from fake_spotify import FakeSpotify

REDIRECT_URI = "http://127.0.0.1:8000/callback"
SCOPE = "playlist-read-private playlist-modify-private"
BASIC = "Basic " + base64.b64encode(b"fake-client-id:fake-client-secret").decode()


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: object


@pytest.fixture
def fake():
    with FakeSpotify() as fake:
        fake.add_user("alice", "Alice", "https://i.scdn.co/image/alice")
        fake.add_user("bob", "Bob")
        yield fake


@pytest.fixture
def token(fake):
    return login(fake)["access_token"]


def send(fake, method, path, body=None, headers=()):
    connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    try:
        connection.request(method, path, body=body, headers=dict(headers))
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    is_json = response.headers.get("Content-Type") == "application/json"
    return Answer(response.status, response.headers, json.loads(raw) if is_json else raw.decode())


def api(fake, method, path, token, body=None):
    payload = None if body is None else json.dumps(body)
    return send(fake, method, path, payload, {"Authorization": f"Bearer {token}"})


def get_url(fake, url, token):
    """Follow an absolute link the fake handed out (a paging `next`)."""
    parts = urlsplit(url)
    assert parts.netloc == f"127.0.0.1:{fake.port}"
    return api(fake, "GET", f"{parts.path}?{parts.query}", token)


def challenge(verifier):
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def authorize(fake, **extra):
    params = {"client_id": "fake-client-id", "response_type": "code"}
    params |= {"redirect_uri": REDIRECT_URI, "scope": SCOPE, "state": "st4te"} | extra
    return send(fake, "GET", f"/accounts/authorize?{urlencode(params)}")


def redirect_params(answer):
    assert answer.status == 302
    location = urlsplit(answer.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return {key: values[0] for key, values in parse_qs(location.query).items()}


def token_request(fake, form, auth=BASIC):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if auth:
        headers["Authorization"] = auth
    return send(fake, "POST", "/accounts/api/token", urlencode(form), headers)


def code_with_pkce(fake, verifier):
    answer = authorize(fake, code_challenge=challenge(verifier), code_challenge_method="S256")
    return redirect_params(answer)["code"]


def exchange(fake, code, verifier, auth=BASIC, redirect_uri=REDIRECT_URI):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    return token_request(fake, form | {"code_verifier": verifier}, auth)


def login(fake):
    verifier = secrets.token_urlsafe(48)
    answer = exchange(fake, code_with_pkce(fake, verifier), verifier)
    assert answer.status == 200
    return answer.body


def refresh(fake, refresh_token):
    return token_request(fake, {"grant_type": "refresh_token", "refresh_token": refresh_token})


def error_message(answer):
    return answer.body["error"]["message"]


def items_path(playlist_id):
    return f"/v1/playlists/{playlist_id}/items"


# --- accounts service ---


def test_authorize_redirects_back_with_a_code_and_the_state(fake):
    params = redirect_params(authorize(fake))
    assert set(params) == {"code", "state"}
    assert params["state"] == "st4te"
    assert fake.last_authorize_query["scope"] == SCOPE


def test_a_denied_login_redirects_with_access_denied_once(fake):
    fake.deny_next_login = True
    assert redirect_params(authorize(fake)) == {"error": "access_denied", "state": "st4te"}
    assert "code" in redirect_params(authorize(fake))


def test_authorize_refuses_an_unknown_client_id(fake):
    answer = authorize(fake, client_id="someone-else")
    assert answer.status == 400
    assert "Invalid client" in answer.body


def test_the_code_signs_in_as_next_login(fake):
    fake.next_login = "bob"
    bob_token = login(fake)["access_token"]
    assert api(fake, "GET", "/v1/me", bob_token).body["id"] == "bob"


def test_a_code_with_the_right_verifier_gives_tokens(fake):
    verifier = secrets.token_urlsafe(48)
    answer = exchange(fake, code_with_pkce(fake, verifier), verifier)
    assert answer.status == 200
    assert answer.body["token_type"] == "Bearer"
    assert answer.body["scope"] == SCOPE
    assert answer.body["expires_in"] == 3600
    assert answer.body["access_token"] != answer.body["refresh_token"]


def test_a_wrong_verifier_is_an_invalid_grant(fake):
    code = code_with_pkce(fake, secrets.token_urlsafe(48))
    answer = exchange(fake, code, secrets.token_urlsafe(48))
    assert answer.status == 400
    assert answer.body["error"] == "invalid_grant"


def test_wrong_or_missing_client_credentials_are_an_invalid_client(fake):
    verifier = secrets.token_urlsafe(48)
    code = code_with_pkce(fake, verifier)
    wrong = "Basic " + base64.b64encode(b"fake-client-id:wrong").decode()
    for auth in (wrong, None):
        answer = exchange(fake, code, verifier, auth=auth)
        assert (answer.status, answer.body["error"]) == (400, "invalid_client")
    assert exchange(fake, code, verifier).status == 200


def test_a_code_works_once_and_only_with_its_redirect_uri(fake):
    verifier = secrets.token_urlsafe(48)
    code = code_with_pkce(fake, verifier)
    assert exchange(fake, code, verifier).status == 200
    assert exchange(fake, code, verifier).body["error"] == "invalid_grant"
    other_code = code_with_pkce(fake, verifier)
    answer = exchange(fake, other_code, verifier, redirect_uri="http://127.0.0.1:9/other")
    assert answer.body["error"] == "invalid_grant"


def test_an_unknown_grant_type_is_refused(fake):
    answer = token_request(fake, {"grant_type": "password"})
    assert (answer.status, answer.body["error"]) == (400, "unsupported_grant_type")


def test_a_refresh_without_rotation_keeps_the_old_refresh_token(fake):
    tokens = login(fake)
    answer = refresh(fake, tokens["refresh_token"])
    assert answer.status == 200
    assert "refresh_token" not in answer.body
    assert api(fake, "GET", "/v1/me", answer.body["access_token"]).status == 200
    assert refresh(fake, tokens["refresh_token"]).status == 200


def test_a_refresh_with_rotation_retires_the_old_refresh_token(fake):
    fake.rotate_refresh_tokens = True
    tokens = login(fake)
    rotated = refresh(fake, tokens["refresh_token"]).body["refresh_token"]
    assert rotated != tokens["refresh_token"]
    old = refresh(fake, tokens["refresh_token"])
    assert (old.status, old.body["error"]) == (400, "invalid_grant")
    assert refresh(fake, rotated).status == 200


def test_revoke_kills_refresh_and_access_tokens(fake):
    tokens = login(fake)
    fake.revoke("alice")
    answer = refresh(fake, tokens["refresh_token"])
    assert answer.body == {"error": "invalid_grant", "error_description": "Refresh token revoked"}
    assert api(fake, "GET", "/v1/me", tokens["access_token"]).status == 401


def test_expired_access_tokens_answer_401_until_refreshed(fake):
    tokens = login(fake)
    fake.expire_access_tokens()
    answer = api(fake, "GET", "/v1/me", tokens["access_token"])
    assert answer.status == 401
    assert error_message(answer) == "The access token expired"
    fresh = refresh(fake, tokens["refresh_token"]).body["access_token"]
    assert api(fake, "GET", "/v1/me", fresh).status == 200


def test_issued_secrets_hold_codes_and_tokens(fake):
    verifier = secrets.token_urlsafe(48)
    code = code_with_pkce(fake, verifier)
    tokens = exchange(fake, code, verifier).body
    expected = {code, tokens["access_token"], tokens["refresh_token"]}
    assert fake.issued_secrets() == expected


# --- web api: users and playlists ---


def test_the_api_refuses_a_missing_or_unknown_token(fake):
    assert send(fake, "GET", "/v1/me").status == 401
    answer = api(fake, "GET", "/v1/me", "not-a-token")
    assert answer.body == {"error": {"status": 401, "message": "Invalid access token"}}


def test_me_has_no_email_country_or_product(fake, token):
    body = api(fake, "GET", "/v1/me", token).body
    assert body == {
        "id": "alice",
        "display_name": "Alice",
        "images": [{"url": "https://i.scdn.co/image/alice"}],
        "type": "user",
        "uri": "spotify:user:alice",
    }


def test_my_playlists_pages_through_next_links(fake, token):
    owned = [fake.add_playlist("alice", f"Mine {n}") for n in range(23)]
    shared = fake.add_playlist("bob", "Shared", collaborative=True, collaborators=["alice"])
    followed = fake.add_playlist("bob", "Followed", followers=["alice"], public=True)
    fake.add_playlist("bob", "Bob's own")
    page = api(fake, "GET", "/v1/me/playlists?limit=10", token).body
    seen = []
    while True:
        assert page["total"] == 25
        seen += [playlist["id"] for playlist in page["items"]]
        if page["next"] is None:
            break
        page = get_url(fake, page["next"], token).body
    assert seen == [*owned, shared, followed]


def test_my_playlists_items_are_simplified_playlists(fake, token):
    playlist_id = fake.add_playlist("alice", "Mine", [fake.track(), fake.track()])
    (playlist,) = api(fake, "GET", "/v1/me/playlists", token).body["items"]
    assert playlist["items"]["total"] == 2
    assert playlist["tracks"] is None
    assert playlist["owner"]["id"] == "alice"
    assert playlist["snapshot_id"] == fake.snapshot_id(playlist_id)


def test_my_playlists_limit_above_50_is_refused(fake, token):
    answer = api(fake, "GET", "/v1/me/playlists?limit=51", token)
    assert (answer.status, error_message(answer)) == (400, "Invalid limit")


def test_users_playlists_and_unknown_paths_are_404(fake, token):
    assert api(fake, "GET", "/v1/users/alice/playlists", token).status == 404
    assert api(fake, "GET", "/v1/audio-features", token).body["error"]["status"] == 404


def test_a_deleted_playlist_answers_404(fake, token):
    playlist_id = fake.add_playlist("alice", "Gone soon")
    fake.delete_playlist(playlist_id)
    assert api(fake, "GET", f"/v1/playlists/{playlist_id}", token).status == 404
    assert api(fake, "GET", items_path(playlist_id), token).status == 404


def test_someone_elses_playlist_gives_metadata_only(fake, token):
    playlist_id = fake.add_playlist("bob", "Bob's", [fake.track()], public=True)
    answer = api(fake, "GET", f"/v1/playlists/{playlist_id}?fields=name", token)
    assert answer.body["name"] == "Bob's"
    assert answer.body["items"] is None
    assert answer.body["tracks"] is None
    assert api(fake, "GET", items_path(playlist_id), token).status == 403
    track = fake.track()
    fake.catalog_add(track)
    assert api(fake, "POST", items_path(playlist_id), token, {"uris": [track["uri"]]}).status == 403


def test_my_own_playlist_gives_its_item_count(fake, token):
    playlist_id = fake.add_playlist("alice", "Mine", [fake.track()], followers=["bob"])
    body = api(fake, "GET", f"/v1/playlists/{playlist_id}", token).body
    assert body["items"]["total"] == 1
    assert body["followers"]["total"] == 1


def test_a_collaborator_reads_and_edits_items(fake, token):
    track = fake.track()
    playlist_id = fake.add_playlist("bob", "Ours", collaborative=True, collaborators=["alice"])
    fake.catalog_add(track)
    assert api(fake, "POST", items_path(playlist_id), token, {"uris": [track["uri"]]}).status == 201
    entry = api(fake, "GET", items_path(playlist_id), token).body["items"][0]
    assert entry["added_by"]["id"] == "alice"


def test_the_old_tracks_endpoint_is_forbidden(fake, token):
    playlist_id = fake.add_playlist("alice", "Mine", [fake.track()])
    for method in ("GET", "POST", "PUT"):
        answer = api(fake, method, f"/v1/playlists/{playlist_id}/tracks", token, {"uris": []})
        assert answer.body == {"error": {"status": 403, "message": "Forbidden"}}


# --- web api: playlist items ---


def test_items_page_at_most_50(fake, token):
    playlist_id = fake.add_playlist("alice", "Big", [fake.track() for _ in range(120)])
    assert len(api(fake, "GET", items_path(playlist_id), token).body["items"]) == 20
    page = api(fake, "GET", f"{items_path(playlist_id)}?limit=50", token).body
    uris = []
    while page:
        uris += [entry["item"]["uri"] for entry in page["items"]]
        page = page["next"] and get_url(fake, page["next"], token).body
    assert uris == fake.playlist_uris(playlist_id)
    assert api(fake, "GET", f"{items_path(playlist_id)}?limit=51", token).status == 400


def test_item_entries_hold_tracks_local_files_episodes_and_unavailable_items(fake, token):
    track, local, episode = fake.track(), fake.local(), fake.episode()
    playlist_id = fake.add_playlist("alice", "Mixed", [track, local, episode])
    fake.add_unavailable(playlist_id)
    path = f"{items_path(playlist_id)}?additional_types=track,episode"
    entries = api(fake, "GET", path, token).body["items"]
    assert [entry["item"] for entry in entries] == [track, local, episode, None]
    assert [entry["is_local"] for entry in entries] == [False, True, False, False]
    assert all(entry["track"] is None for entry in entries)
    assert entries[0]["added_at"].endswith("Z")
    assert local["uri"] == "spotify:local:Local+Artist:Local+Album:Local+Song:200"
    assert local["id"] is None
    assert episode["uri"] == f"spotify:episode:{episode['id']}"
    assert fake.playlist_uris(playlist_id)[3] is None


def test_tracks_are_full_objects_with_base62_ids(fake):
    track = fake.track("Song", artists=("A", "B"), album="Record")
    assert len(track["id"]) == 22
    assert track["id"].isalnum()
    assert track["uri"] == f"spotify:track:{track['id']}"
    assert [artist["name"] for artist in track["artists"]] == ["A", "B"]
    assert track["album"]["images"][0]["url"].startswith("https://i.scdn.co/image/")
    assert fake.track(track_id="x" * 22)["id"] == "x" * 22


def test_post_inserts_at_a_position_or_appends(fake, token):
    a, b, c, d = (fake.track() for _ in range(4))
    playlist_id = fake.add_playlist("alice", "Mine", [a, b])
    fake.catalog_add(c, d)
    before = fake.snapshot_id(playlist_id)
    answer = api(fake, "POST", items_path(playlist_id), token, {"uris": [c["uri"]], "position": 1})
    assert answer.status == 201
    assert answer.body["snapshot_id"] == fake.snapshot_id(playlist_id) != before
    api(fake, "POST", items_path(playlist_id), token, {"uris": [d["uri"]]})
    assert fake.playlist_uris(playlist_id) == [a["uri"], c["uri"], b["uri"], d["uri"]]


@pytest.mark.parametrize(
    ("uris", "message"),
    [
        (lambda fake: [fake.track()["uri"]] * 101, "Too many ids requested"),
        (lambda fake: [fake.local()["uri"]], "Local files cannot be added"),
        (lambda fake: ["spotify:track:" + "Z" * 22], "Payload contains a non-existing ID"),
        (lambda fake: ["spotify:track:nope"], "Invalid base62 id"),
        (lambda fake: [], "Missing uris"),
    ],
)
def test_post_refuses_bad_uris(fake, token, uris, message):
    playlist_id = fake.add_playlist("alice", "Mine", [fake.track()])
    before = fake.playlist_uris(playlist_id)
    answer = api(fake, "POST", items_path(playlist_id), token, {"uris": uris(fake)})
    assert (answer.status, error_message(answer)) == (400, message)
    assert fake.playlist_uris(playlist_id) == before


def test_put_uris_replaces_the_whole_playlist(fake, token):
    a, b = fake.track(), fake.track()
    playlist_id = fake.add_playlist("alice", "Mine", [a, fake.local(), b])
    answer = api(fake, "PUT", items_path(playlist_id), token, {"uris": [b["uri"], a["uri"]]})
    assert answer.status == 200
    assert fake.playlist_uris(playlist_id) == [b["uri"], a["uri"]]
    api(fake, "PUT", items_path(playlist_id), token, {"uris": []})
    assert fake.playlist_uris(playlist_id) == []


def test_put_uris_refuses_more_than_100_and_local_files(fake, token):
    tracks = [fake.track() for _ in range(101)]
    local = fake.local()
    playlist_id = fake.add_playlist("alice", "Mine", [*tracks, local])
    for uris in ([t["uri"] for t in tracks], [local["uri"]]):
        assert api(fake, "PUT", items_path(playlist_id), token, {"uris": uris}).status == 400
    assert len(fake.playlist_uris(playlist_id)) == 102


def reference_move(items, start, length, insert_before):
    """Spotify's reorder written differently: walk the old list, drop the block at its mark."""
    block = items[start : start + length]
    result = []
    for index in range(len(items) + 1):
        if index == insert_before:
            result += block
        if index < len(items) and not start <= index < start + length:
            result.append(items[index])
    return result


def test_moves_match_the_reference(fake, token):
    playlist_id = fake.add_playlist("alice", "Mine", [fake.track() for _ in range(10)])
    cases = [(0, 1, 5), (7, 1, 2), (1, 3, 8), (6, 3, 0), (0, 4, 10), (9, 1, 0), (2, 2, 4)]
    for start, length, insert_before in cases:
        expected = reference_move(fake.playlist_uris(playlist_id), start, length, insert_before)
        move = {"range_start": start, "range_length": length, "insert_before": insert_before}
        move["snapshot_id"] = fake.snapshot_id(playlist_id)
        answer = api(fake, "PUT", items_path(playlist_id), token, move)
        assert answer.body["snapshot_id"] == fake.snapshot_id(playlist_id)
        assert fake.playlist_uris(playlist_id) == expected


def test_range_length_defaults_to_one(fake, token):
    a, b, c = (fake.track() for _ in range(3))
    playlist_id = fake.add_playlist("alice", "Mine", [a, b, c])
    api(fake, "PUT", items_path(playlist_id), token, {"range_start": 2, "insert_before": 0})
    assert fake.playlist_uris(playlist_id) == [c["uri"], a["uri"], b["uri"]]


@pytest.mark.parametrize(
    ("move", "message"),
    [
        ({"range_start": 3, "insert_before": 0}, "Index out of bounds"),
        ({"range_start": 0, "insert_before": 4}, "Index out of bounds"),
        ({"range_start": 1, "range_length": 3, "insert_before": 0}, "Index out of bounds"),
        ({"range_start": 0, "insert_before": 1, "snapshot_id": "old"}, "Snapshot id is stale"),
        ({"range_start": 0, "insert_before": 2, "uris": []}, None),
    ],
)
def test_bad_moves_are_refused(fake, token, move, message):
    playlist_id = fake.add_playlist("alice", "Mine", [fake.track() for _ in range(3)])
    before = fake.playlist_uris(playlist_id)
    answer = api(fake, "PUT", items_path(playlist_id), token, move)
    assert answer.status == 400
    assert message is None or error_message(answer) == message
    assert fake.playlist_uris(playlist_id) == before


def test_delete_removes_every_occurrence(fake, token):
    a, b, c = (fake.track() for _ in range(3))
    playlist_id = fake.add_playlist("alice", "Mine", [a, b, a, c, b])
    items = [{"uri": a["uri"]}, {"uri": c["uri"]}]
    body = {"items": items, "snapshot_id": fake.snapshot_id(playlist_id)}
    answer = api(fake, "DELETE", items_path(playlist_id), token, body)
    assert answer.body["snapshot_id"] == fake.snapshot_id(playlist_id)
    assert fake.playlist_uris(playlist_id) == [b["uri"], b["uri"]]


def test_delete_refuses_a_stale_snapshot_and_more_than_100_items(fake, token):
    track = fake.track()
    playlist_id = fake.add_playlist("alice", "Mine", [track])
    stale = {"items": [{"uri": track["uri"]}], "snapshot_id": "old"}
    assert error_message(api(fake, "DELETE", items_path(playlist_id), token, stale)) == (
        "Snapshot id is stale"
    )
    too_many = {"items": [{"uri": track["uri"]}] * 101}
    assert api(fake, "DELETE", items_path(playlist_id), token, too_many).status == 400
    assert fake.playlist_uris(playlist_id) == [track["uri"]]


# --- web api: search ---


def test_search_matches_track_name_artist_or_album_case_insensitively(fake, token):
    hit = fake.track("Blue Monday", artists=("New Order",), album="Power")
    fake.catalog_add(hit, fake.track("Other", artists=("Someone",)))
    for q in ("blue mon", "NEW ORDER", "power"):
        body = api(fake, "GET", f"/v1/search?{urlencode({'q': q, 'type': 'track'})}", token).body
        assert body["tracks"]["items"] == [hit]


def test_search_finds_playlists_by_name(fake, token):
    playlist_id = fake.add_playlist("bob", "Road Trip")
    body = api(fake, "GET", "/v1/search?q=road&type=playlist", token).body
    assert [playlist["id"] for playlist in body["playlists"]["items"]] == [playlist_id]


def test_search_pages_by_5_and_at_most_10(fake, token):
    fake.catalog_add(*(fake.track(f"Song {n}") for n in range(7)))
    page = api(fake, "GET", "/v1/search?q=song&type=track", token).body["tracks"]
    assert (len(page["items"]), page["total"]) == (5, 7)
    assert "offset=5" in page["next"]
    answer = api(fake, "GET", "/v1/search?q=song&type=track&limit=11", token)
    assert answer.body == {"error": {"status": 400, "message": "Invalid limit"}}


def test_search_needs_a_query(fake, token):
    assert api(fake, "GET", "/v1/search?type=track", token).status == 400


# --- failure injection, counting, latency, connections ---


def test_fail_next_500_then_recovers(fake, token):
    fake.fail_next("GET", r"/v1/me$")
    answer = api(fake, "GET", "/v1/me", token)
    assert answer.body == {"error": {"status": 500, "message": "Internal Server Error"}}
    assert api(fake, "GET", "/v1/me", token).status == 200


def test_fail_next_with_skip_lets_matching_calls_through_first(fake, token):
    fake.fail_next("GET", r"/v1/me$", status=503, count=2, skip=2)
    statuses = [api(fake, "GET", "/v1/me", token).status for _ in range(5)]
    assert statuses == [200, 200, 503, 503, 200]


def test_fail_next_429_sends_retry_after(fake, token):
    fake.fail_next("GET", r"/v1/me$", status=429, count=2)
    fake.fail_next("GET", r"/v1/me$", status=429, retry_after=5)
    retry_afters = [api(fake, "GET", "/v1/me", token).headers["Retry-After"] for _ in range(3)]
    assert retry_afters == ["30", "30", "5"]
    assert api(fake, "GET", "/v1/me", token).status == 200


def test_fail_next_status_0_drops_the_connection(fake, token):
    fake.fail_next("POST", r"/accounts/api/token$", status=0)
    with pytest.raises(ConnectionError):
        token_request(fake, {"grant_type": "refresh_token", "refresh_token": "x"})
    assert fake.calls[-1].status == 0
    assert api(fake, "GET", "/v1/me", token).status == 200


def test_fail_next_only_hits_the_matching_method_and_path(fake, token):
    fake.fail_next("POST", r"/v1/me$", status=503)
    assert api(fake, "GET", "/v1/me", token).status == 200
    assert api(fake, "POST", "/v1/me", token, {}).status == 503


def test_calls_are_recorded_and_counted(fake, token):
    fake.reset_calls()
    api(fake, "GET", "/v1/me/playlists?limit=5", token)
    api(fake, "GET", "/v1/me", "bad-token")
    assert [(c.method, c.path, c.status) for c in fake.calls] == [
        ("GET", "/v1/me/playlists", 200),
        ("GET", "/v1/me", 401),
    ]
    assert fake.calls[0].query == {"limit": "5"}
    assert fake.count("GET", r"^/v1/me") == 2
    assert fake.count(path_pattern=r"playlists$") == 1
    assert fake.count("POST") == 0
    fake.reset_calls()
    assert fake.count() == 0


def test_delay_s_slows_every_answer(fake, token):
    fake.delay_s = 0.2
    started = time.monotonic()
    assert api(fake, "GET", "/v1/me", token).status == 200
    assert time.monotonic() - started >= 0.2


def test_a_connection_is_kept_alive_between_requests(fake, token):
    connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    try:
        statuses, sockets = [], []
        for _ in range(2):
            connection.request("GET", "/v1/me", headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
            sockets.append(connection.sock)
    finally:
        connection.close()
    assert statuses == [200, 200]
    assert sockets[0] is sockets[1]


def test_stop_closes_idle_kept_alive_connections():
    fake = FakeSpotify().start()
    connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    try:
        connection.request("GET", "/v1/me")
        connection.getresponse().read()
        fake.stop()
        with pytest.raises(ConnectionError):
            connection.request("GET", "/v1/me")
            connection.getresponse()
    finally:
        connection.close()
