"""Shuffling a playlist, undo and redo (issue 10) in-process through the app, against the
real HTTP fake Spotify, on SQLite files and on real PostgreSQL. Covered:

- GET /api/algorithms lists the eight algorithms with their parameters as the issue names them;
  every invalid POST /shuffle (unknown algorithm or parameter, wrong type, out of range, each
  derived from that same description) is a 400 naming it and writes nothing to Spotify.
- POST /shuffle answers changed, track_uris and history; Spotify then holds track_uris, a
  permutation of the live order; with a seed it equals /preview; an empty playlist is a 400;
  an unchanged order writes nothing; another user's playlist is a 403 unless collaborative.
- The live order: tracks added on Spotify since are shuffled in; undo keeps what was added
  since Shuffify's current step at the end and lists it in "kept", and undoing past the
  "spotify" step that recorded earlier additions removes those (issue 19's three-way merge).
- No track lost: each write call of a 250-track replace failing in turn is a 503, and the next
  request completes exactly the recorded order, keeping a track added on Spotify meanwhile;
  the background retry completes it by itself.
- Local files: reordered with moves only, never replaced, and undo restores the original.
- Fewest calls: shuffling 100 and 1,000 items costs 1 metadata + ceil(n/50) pages + ceil(n/100)
  writes; after viewing the playlist, only the metadata is read; an undo rereads the items
  its own write made stale; reverting one moved item is one write call.
- Undo and redo: position, size, can_undo, can_redo; 409 with nothing to undo or redo; a new
  change drops the redo step; at most 20 steps; GET /history newest first; the history
  survives a second app on the same database and belongs to one user.
- Property (hypothesis): shuffle then undo leaves any small playlist (duplicates, local files,
  episodes, an unavailable entry) exactly as it started, whatever the algorithm and seed.
"""

import base64
import http.client
import json
import math
import re
import threading
import time
from collections import Counter
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from app_settings import spotify_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from signed_in import SignedIn, follow_authorize
from wsgi_client import Client

from shuffify import database
from shuffify.models import PlaylistHistory
from shuffify.playlists import reorder
from shuffify.shuffle import describe
from shuffify.web.app import create_app

ITEMS = r"/v1/playlists/[^/]+/items"
METADATA = r"/v1/playlists/[^/]+"
WRITE_METHODS = ("PUT", "POST", "DELETE")
CLIENT_ATTEMPTS = 3  # the Spotify client sends a replace (a safe PUT) this many times
ALGORITHMS = [
    *("basic", "percentage", "balanced", "stratified", "artist_spacing", "album_sequence"),
    *("sort", "newest_first"),
]
KEEP_FIRST = ("integer", 0, 0, None, None)  # type, default, min, max, choices
PARAMETERS = {
    "basic": {"keep_first": KEEP_FIRST},
    "percentage": {
        "shuffle_percentage": ("number", 50, 0, 100, None),
        "shuffle_location": ("string", "front", None, None, ["front", "back"]),
    },
    "balanced": {"keep_first": KEEP_FIRST, "section_count": ("integer", 4, 1, 100, None)},
    "stratified": {"keep_first": KEEP_FIRST, "section_count": ("integer", 5, 1, 100, None)},
    "artist_spacing": {"min_spacing": ("integer", 1, 1, 10, None)},
    "album_sequence": {"shuffle_within_albums": ("boolean", False, None, None, None)},
    "sort": {
        "by": (
            *("string", "added_at", None, None),
            ["added_at", "title", "artist", "album", "release_date", "duration"],
        ),
        "direction": ("string", "asc", None, None, ["asc", "desc"]),
    },
    "newest_first": {},
}
SEED = ("integer", None, None, None, None)


# --- Helpers -------------------------------------------------------------------------------


@pytest.fixture
def fake(fake_spotify):
    return fake_spotify


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


@pytest.fixture
def retries(spotify_app, monkeypatch):
    """The background retries the app asks for, recorded instead of started."""
    asked = []
    services = spotify_app.config["shuffify.services"]
    monkeypatch.setattr(services, "retry_write", lambda user, pid: asked.append((user.id, pid)))
    return asked


def new_playlist(fake, count: int = 10, owner: str = "ada", **options) -> str:
    tracks = [
        fake.track(f"Song {i}", artists=(f"Artist {i % 4}",), album=f"Album {i % 3}")
        for i in range(count)
    ]
    return fake.add_playlist(owner, "Mix", tracks, **options)


def post(user, pid: str, action: str, data: dict | None = None, status: int = 200) -> dict:
    response = user.post(f"/api/playlists/{pid}/{action}", data or {})
    assert response.status == status, response.raw
    return response.json


def shuffle(user, pid: str, algorithm: str = "basic", status: int = 200, **params) -> dict:
    return post(user, pid, "shuffle", {"algorithm": algorithm, "params": params}, status)


def message(body: dict, status: int) -> str:
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]["message"]


def summary(body: dict) -> tuple:
    h = body["history"]
    return h["position"], h["size"], h["can_undo"], h["can_redo"]


def writes(fake) -> int:
    return sum(fake.count(method, f"^{ITEMS}$") for method in WRITE_METHODS)


def costs(fake) -> dict:
    """The Web API calls since the last reset, by kind."""
    found = Counter()
    for call in fake.calls:
        if not call.path.startswith("/v1/"):
            continue
        if call.method == "GET" and re.fullmatch(METADATA, call.path):
            found["metadata"] += 1
        elif call.method == "GET" and re.fullmatch(ITEMS, call.path):
            found["pages"] += 1
        elif call.method in WRITE_METHODS and re.fullmatch(ITEMS, call.path):
            found["writes"] += 1
        else:
            found["other"] += 1
    return {kind: found[kind] for kind in ("metadata", "pages", "writes", "other")}


def pending(pid: str) -> list | None:
    return PlaylistHistory.get(PlaylistHistory.playlist_id == pid).pending_uris


def fail_writes(fake, passed: int, status: int, count: int = 1) -> None:
    """Let `passed` write calls of a replace through (its PUT, then its POSTs), then fail the
    next `count` with `status` (0 drops the connection)."""
    method, skip = ("PUT", 0) if passed == 0 else ("POST", passed - 1)
    fake.fail_next(method, ITEMS + "$", status, count=count, skip=skip)


def fake_request(fake, method: str, path: str, body: bytes, headers: dict) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        payload = json.loads(response.read())
        assert response.status in (200, 201), payload
        return payload
    finally:
        connection.close()


def add_on_spotify(fake, owner: str, pid: str, items: list[dict]) -> None:
    """Append items as another Spotify client of the owner's would, with its own token."""
    fake.catalog_add(*items)
    redirect = "http://127.0.0.1/elsewhere"
    query = urlencode(
        {"client_id": fake.client_id, "response_type": "code", "redirect_uri": redirect}
    )
    back = follow_authorize(fake, f"{fake.accounts_url}/authorize?{query}", owner)
    form = {"grant_type": "authorization_code", "redirect_uri": redirect}
    form["code"] = parse_qs(urlsplit(back).query)["code"][0]
    basic = base64.b64encode(f"{fake.client_id}:{fake.client_secret}".encode()).decode()
    token = fake_request(
        fake,
        "POST",
        "/accounts/api/token",
        urlencode(form).encode(),
        {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )["access_token"]
    fake_request(
        fake,
        "POST",
        f"/v1/playlists/{pid}/items",
        json.dumps({"uris": [item["uri"] for item in items]}).encode(),
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


# --- The algorithms and their parameters ---------------------------------------------------


def test_algorithms_lists_the_eight_with_every_parameter_described(ada):
    response = ada.get("/api/algorithms")
    assert response.status == 200, response.raw
    listed = {a["name"]: a for a in response.json["algorithms"]}
    assert list(listed) == ALGORITHMS
    for name, algorithm in listed.items():
        assert algorithm["title"] and algorithm["description"]
        described = {
            p["name"]: (p["type"], p["default"], p["min"], p["max"], p["choices"])
            for p in algorithm["parameters"]
        }
        assert described == {**PARAMETERS[name], "seed": SEED}, name


def invalid_requests():
    """(algorithm, params, the name the 400 must give), from the published description."""
    wrong_type = {"integer": "3", "number": "50", "boolean": 1, "string": 7}
    for algorithm in describe():
        name = algorithm["name"]
        for p in algorithm["parameters"]:
            yield name, {p["name"]: wrong_type[p["type"]]}, p["name"]
            if p["min"] is not None:
                yield name, {p["name"]: p["min"] - 1}, p["name"]
            if p["max"] is not None:
                yield name, {p["name"]: p["max"] + 1}, p["name"]
            if p["choices"]:
                yield name, {p["name"]: "sideways"}, p["name"]
    yield "basic", {"keep_first": True}, "keep_first"  # a boolean is no integer
    yield "basic", {"keep_first": 1.5}, "keep_first"
    yield "basic", {"seed": 1.5}, "seed"
    yield "percentage", {"shuffle_percentage": math.nan}, "shuffle_percentage"
    yield "basic", {"section_count": 3}, "section_count"  # another algorithm's parameter
    yield "basic", {"bogus": 1}, "bogus"
    yield "nope", {}, "nope"
    yield None, {}, "algorithm"
    yield "basic", [1], "params"


def test_every_invalid_parameter_is_a_400_naming_it_and_nothing_is_written(ada, fake):
    pid = new_playlist(fake)
    before = fake.playlist_uris(pid)
    fake.reset_calls()
    wrong = []
    for algorithm, params, name in invalid_requests():
        body = {"algorithm": algorithm, "params": params}
        response = ada.post(f"/api/playlists/{pid}/shuffle", body)
        if response.status != 400 or name not in message(response.json, response.status):
            wrong.append((algorithm, params, response.status, response.raw))
    assert wrong == []
    assert writes(fake) == 0
    assert fake.playlist_uris(pid) == before


# --- Shuffling -----------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_seeded_shuffle_writes_the_preview_a_permutation_of_the_live_order(ada, fake, algorithm):
    pid = new_playlist(fake, 12)
    live = fake.playlist_uris(pid)
    data = {"algorithm": algorithm, "params": {"seed": 42}}
    preview = post(ada, pid, "preview", data)
    assert writes(fake) == 0
    body = post(ada, pid, "shuffle", data)
    assert set(body) == {"changed", "track_uris", "snapshot_id", "history", "calls"}
    assert body["snapshot_id"] == fake.snapshot_id(pid)
    assert body["track_uris"] == preview["track_uris"]
    assert sorted(body["track_uris"]) == sorted(live)
    assert body["changed"] is (body["track_uris"] != live)
    assert fake.playlist_uris(pid) == body["track_uris"]
    assert summary(body) == ((1, 2, True, False) if body["changed"] else (0, 0, False, False))


def test_shuffling_an_empty_playlist_is_a_400_saying_so(ada, fake):
    pid = fake.add_playlist("ada", "Nothing yet", [])
    fake.reset_calls()
    assert "empty" in message(shuffle(ada, pid, status=400), 400)
    assert writes(fake) == 0


@pytest.mark.parametrize(
    ("count", "params"),
    [(1, {}), (5, {"keep_first": 5}), (5, {"keep_first": 500})],
    ids=["one track", "keep_first = n", "keep_first > n"],
)
def test_an_unchanged_order_writes_nothing_and_records_no_step(ada, fake, count, params):
    pid = new_playlist(fake, count)
    before = fake.playlist_uris(pid)
    fake.reset_calls()
    body = shuffle(ada, pid, **params)
    assert body["changed"] is False and body["track_uris"] == before
    assert summary(body) == (0, 0, False, False)
    assert writes(fake) == 0
    assert fake.playlist_uris(pid) == before


def test_another_users_playlist_is_403_and_nothing_is_written(ada, fake):
    pid = new_playlist(fake, owner="bo", followers=("ada",))
    before = fake.playlist_uris(pid)
    fake.reset_calls()
    message(shuffle(ada, pid, status=403), 403)
    assert writes(fake) == 0
    assert fake.playlist_uris(pid) == before
    assert ada.get(f"/api/playlists/{pid}/history").json["steps"] == []


def test_a_collaborative_playlist_of_another_user_can_be_shuffled(ada, fake):
    pid = new_playlist(fake, owner="bo", collaborative=True, collaborators=("ada",))
    before = fake.playlist_uris(pid)
    body = shuffle(ada, pid, seed=7)
    assert body["changed"] is True and sorted(body["track_uris"]) == sorted(before)
    assert fake.playlist_uris(pid) == body["track_uris"]


def test_tracks_added_on_spotify_are_shuffled_in_and_undo_merges_three_ways(ada, fake):
    pid = new_playlist(fake, 8)
    original = fake.playlist_uris(pid)
    first = shuffle(ada, pid, seed=1)["track_uris"]
    assert ada.get(f"/api/playlists/{pid}").status == 200  # cached under the old snapshot
    added = [fake.track("New 1"), fake.episode("New 2")]
    add_on_spotify(fake, "ada", pid, added)
    added_uris = [item["uri"] for item in added]
    second = shuffle(ada, pid, seed=2)
    assert Counter(second["track_uris"]) == Counter(first + added_uris)
    assert fake.playlist_uris(pid) == second["track_uris"]
    steps = ada.get(f"/api/playlists/{pid}/history").json["steps"]
    assert [s["kind"] for s in steps] == ["shuffle", "spotify", "shuffle", "original"]
    later = fake.track("New 3")
    add_on_spotify(fake, "ada", pid, [later])
    expected = [  # each undo: the step's order, then what was added since the current step
        (first + added_uris, [later["uri"]]),
        (first, [later["uri"]]),  # the "spotify" step is undone: its additions go
        (original, [later["uri"]]),
    ]
    for order, kept in expected:
        body = post(ada, pid, "undo")
        assert body["kept"] == kept
        assert body["track_uris"] == order + kept
        assert fake.playlist_uris(pid) == order + kept


# --- No track lost -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("passed", "count", "status"),
    [(0, CLIENT_ATTEMPTS, 500), (1, 1, 500), (2, 1, 500), (0, CLIENT_ATTEMPTS, 0), (1, 1, 0)],
    ids=["PUT 500", "first POST 500", "second POST 500", "PUT dropped", "first POST dropped"],
)
def test_a_replace_failing_at_any_call_is_503_and_the_next_request_completes_it(
    ada, fake, retries, passed, count, status
):
    pid = new_playlist(fake, 250)
    original = fake.playlist_uris(pid)
    intended = post(ada, pid, "preview", {"algorithm": "basic", "params": {"seed": 9}})
    intended = intended["track_uris"]
    fail_writes(fake, passed, status, count)
    assert "retry" in message(shuffle(ada, pid, seed=9, status=503), 503).lower()
    assert pending(pid) == intended
    assert retries == [(ada.user_id, pid)]
    assert fake.playlist_uris(pid) != intended
    settled = shuffle(ada, pid, keep_first=10_000)  # settles first, then changes nothing
    assert settled["changed"] is False and settled["track_uris"] == intended
    assert fake.playlist_uris(pid) == intended and sorted(intended) == sorted(original)
    assert pending(pid) is None
    assert post(ada, pid, "undo")["track_uris"] == original
    assert fake.playlist_uris(pid) == original


@pytest.mark.parametrize(
    ("passed", "count"), [(0, CLIENT_ATTEMPTS), (1, 1)], ids=["PUT failed", "first POST failed"]
)
def test_completing_an_interrupted_write_keeps_a_track_added_on_spotify_meanwhile(
    ada, fake, retries, passed, count
):
    pid = new_playlist(fake, 250)
    original = fake.playlist_uris(pid)
    fail_writes(fake, passed, 500, count)
    message(shuffle(ada, pid, seed=9, status=503), 503)
    intended = pending(pid)
    added = fake.track("Added meanwhile")
    add_on_spotify(fake, "ada", pid, [added])
    shuffle(ada, pid, keep_first=10_000)  # settles first, then changes nothing
    assert fake.playlist_uris(pid) == [*intended, added["uri"]]
    assert Counter(fake.playlist_uris(pid)) == Counter([*original, added["uri"]])


def test_the_background_retry_completes_an_interrupted_write(ada, fake, spotify_app):
    pid = new_playlist(fake, 250)
    original = fake.playlist_uris(pid)
    fake.fail_next("POST", f"^{ITEMS}$")  # after the PUT: the playlist holds 100 items
    message(shuffle(ada, pid, seed=3, status=503), 503)
    intended = pending(pid)
    assert len(fake.playlist_uris(pid)) == 100
    deadline = time.monotonic() + 15
    try:
        while fake.playlist_uris(pid) != intended and time.monotonic() < deadline:
            time.sleep(0.1)  # a bounded wait for a condition, not a timing assertion
    finally:
        for thread in threading.enumerate():
            if thread.name == "write-retry":
                thread.join(timeout=15)
    assert fake.playlist_uris(pid) == intended and sorted(intended) == sorted(original)
    assert pending(pid) is None


# --- Local files ---------------------------------------------------------------------------


def test_a_playlist_with_a_local_file_is_moved_never_replaced_and_undo_restores_it(ada, fake):
    local = fake.local("Home Recording")
    tracks = [fake.track(f"Song {i}") for i in range(30)]
    pid = fake.add_playlist("ada", "With a local file", [*tracks[:10], local, *tracks[10:]])
    original = fake.playlist_uris(pid)
    fake.reset_calls()
    body = shuffle(ada, pid, seed=5)
    assert body["changed"] is True and local["uri"] in body["track_uris"]
    assert fake.playlist_uris(pid) == body["track_uris"]
    moves = reorder.plan_moves(original, body["track_uris"])
    assert fake.count("PUT", f"^{ITEMS}$") == len(moves)
    assert fake.count("POST", f"^{ITEMS}$") == fake.count("DELETE", f"^{ITEMS}$") == 0
    undone = post(ada, pid, "undo")
    assert undone["track_uris"] == original and undone["kept"] == []
    assert fake.playlist_uris(pid) == original
    assert fake.count("POST", f"^{ITEMS}$") == fake.count("DELETE", f"^{ITEMS}$") == 0


# --- Fewest calls --------------------------------------------------------------------------


@pytest.mark.parametrize("count", [100, 1000])
def test_a_shuffle_costs_the_metadata_every_page_and_the_cheapest_write(ada, fake, count):
    pid = new_playlist(fake, count)
    before = fake.playlist_uris(pid)
    fake.reset_calls()
    after = shuffle(ada, pid, seed=11)["track_uris"]
    pages, replace = math.ceil(count / 50), math.ceil(count / 100)
    assert reorder.plan_write(before, after).calls == replace
    assert costs(fake) == {"metadata": 1, "pages": pages, "writes": replace, "other": 0}


def test_a_shuffle_after_viewing_the_playlist_reads_only_its_metadata(ada, fake):
    pid = new_playlist(fake, 120)
    assert ada.get(f"/api/playlists/{pid}").status == 200
    fake.reset_calls()
    shuffle(ada, pid, seed=4)
    assert costs(fake) == {"metadata": 1, "pages": 0, "writes": 2, "other": 0}


def test_an_undo_rereads_the_items_its_own_write_made_stale(ada, fake):
    pid = new_playlist(fake, 120)
    original = fake.playlist_uris(pid)
    shuffled = shuffle(ada, pid, seed=4)["track_uris"]
    fake.reset_calls()
    assert post(ada, pid, "undo")["track_uris"] == original
    plan = reorder.plan_write(shuffled, original)
    assert costs(fake) == {"metadata": 1, "pages": 3, "writes": plan.calls, "other": 0}


def test_reverting_one_moved_track_is_one_write_call(ada, fake):
    pid = new_playlist(fake, 120)
    original = fake.playlist_uris(pid)
    edited = [*original[:5], *original[6:], original[5]]
    saved = ada.put(f"/api/playlists/{pid}/tracks", {"track_uris": edited})
    assert saved.status == 200, saved.raw
    assert fake.playlist_uris(pid) == edited
    fake.reset_calls()
    assert post(ada, pid, "undo")["track_uris"] == original
    assert fake.playlist_uris(pid) == original
    assert costs(fake) == {"metadata": 1, "pages": 3, "writes": 1, "other": 0}
    assert fake.count("PUT", f"^{ITEMS}$") == 1


# --- Undo and redo -------------------------------------------------------------------------


def test_undo_and_redo_walk_the_history_and_409_at_either_end(ada, fake):
    pid = new_playlist(fake)
    original = fake.playlist_uris(pid)
    assert "redo" in message(post(ada, pid, "redo", status=409), 409)
    first = shuffle(ada, pid, seed=1)
    assert summary(first) == (1, 2, True, False)
    second = shuffle(ada, pid, seed=2)
    assert summary(second) == (2, 3, True, False)
    for position, order in ((1, first["track_uris"]), (0, original)):
        body = post(ada, pid, "undo")
        assert summary(body) == (position, 3, position > 0, True)
        assert body["track_uris"] == fake.playlist_uris(pid) == order
    assert "undo" in message(post(ada, pid, "undo", status=409), 409)
    redone = post(ada, pid, "redo")
    assert summary(redone) == (1, 3, True, True)
    assert redone["track_uris"] == fake.playlist_uris(pid) == first["track_uris"]
    third = shuffle(ada, pid, seed=3)
    assert summary(third) == (2, 3, True, False)
    message(post(ada, pid, "redo", status=409), 409)
    assert fake.playlist_uris(pid) == third["track_uris"]


def test_at_most_twenty_steps_are_kept(ada, fake):
    pid = new_playlist(fake)
    for seed in range(23):
        assert shuffle(ada, pid, seed=seed)["changed"] is True
    history = ada.get(f"/api/playlists/{pid}/history").json
    assert (history["position"], history["size"], history["can_undo"]) == (19, 20, True)
    assert [s["kind"] for s in history["steps"]] == ["shuffle"] * 20  # the original dropped


def test_history_lists_the_steps_newest_first(ada, fake):
    pid = new_playlist(fake, 9)
    shuffle(ada, pid, seed=1)
    shuffle(ada, pid, "percentage", seed=2, shuffle_percentage=100)
    post(ada, pid, "undo")
    history = ada.get(f"/api/playlists/{pid}/history").json
    steps = history["steps"]
    assert [(s["kind"], s["label"], s["item_count"], s["current"]) for s in steps] == [
        ("shuffle", "percentage", 9, False),
        ("shuffle", "basic", 9, True),
        ("original", None, 9, False),
    ]
    created = [datetime.fromisoformat(s["created_at"]) for s in steps]
    assert created == sorted(created, reverse=True)
    assert (history["position"], history["size"], history["can_redo"]) == (1, 3, True)


def test_history_survives_a_new_app_on_the_same_database(
    ada, fake, db_url, make_settings, spotify_app
):
    pid = new_playlist(fake)
    first = shuffle(ada, pid, seed=1)["track_uris"]
    shuffle(ada, pid, seed=2)
    before = ada.get(f"/api/playlists/{pid}/history").json
    database.close_database(database.db.obj)  # create_app rebinds the global database
    app = create_app(make_settings(**spotify_settings(fake, DATABASE_URL=db_url)))
    again = SignedIn.through(Client(app), fake, "ada")
    assert again.get(f"/api/playlists/{pid}/history").json == before
    assert post(again, pid, "undo")["track_uris"] == first
    assert fake.playlist_uris(pid) == first


def test_history_belongs_to_one_user(ada, sign_in, fake):
    pid = new_playlist(fake, owner="ada", collaborative=True, collaborators=("bo",))
    shuffle(ada, pid, seed=1)
    bo = sign_in("bo")
    history = bo.get(f"/api/playlists/{pid}/history").json
    assert history["steps"] == [] and history["size"] == 0
    message(post(bo, pid, "undo", status=409), 409)
    assert summary(shuffle(bo, pid, seed=2)) == (1, 2, True, False)
    assert ada.get(f"/api/playlists/{pid}/history").json["size"] == 2


# --- Property: shuffle then undo changes nothing -------------------------------------------

LAYOUTS = st.lists(st.sampled_from([*"abcde", "local", "episode"]), min_size=1, max_size=10)


# One playlist per example, so sharing the app and the fake across examples is safe.
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    layout=LAYOUTS,
    unavailable=st.booleans(),
    algorithm=st.sampled_from(ALGORITHMS),
    seed=st.integers(0, 2**31),
)
def test_shuffle_then_undo_leaves_any_playlist_as_it_started(
    ada, fake, layout, unavailable, algorithm, seed
):
    items = {
        name: fake.track(name, (f"Artist {i % 2}",), f"Album {i % 3}")
        for i, name in enumerate("abcde")
    }
    items.update(local=fake.local(), episode=fake.episode())
    pid = fake.add_playlist("ada", "Random", [items[name] for name in layout])
    if unavailable:
        fake.add_unavailable(pid)
    start = fake.playlist_uris(pid)
    body = shuffle(ada, pid, algorithm, seed=seed)
    assert Counter(body["track_uris"]) == Counter(start)
    assert fake.playlist_uris(pid) == body["track_uris"]
    if body["changed"]:
        assert post(ada, pid, "undo")["track_uris"] == start
    else:
        message(post(ada, pid, "undo", status=409), 409)
    assert fake.playlist_uris(pid) == start
