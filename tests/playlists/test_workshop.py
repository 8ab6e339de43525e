"""The workshop (issue 11), in-process through the app against the real HTTP fake Spotify, on
SQLite and PostgreSQL.

- PUT /api/playlists/<id>/tracks makes the playlist exactly the list (reorder, removal,
  additions, an episode, local files kept) with the fewest writes and one undo step; refuses
  bad URIs by position, over 10,000 items and bad bodies; answers 409 with the live list on a
  changed snapshot and 403 for another user's playlist, writing nothing.
- GET /api/search: the bounds of q, limit (Development Mode: 10), offset and type; both shapes.
- GET /api/external-playlists: every accepted link form, the refused ones, tracks of own and
  collaborative playlists, "tracks": null with a reason for others', 404; /recent: at most 10,
  newest first, no duplicates, per user.
- Saved sessions and upstream sources: create, list, read, change, delete, limits, fields
  named in errors, and another user's rows answering 404 and staying as they were.
- Everywhere: 401 without a session, 403 without the CSRF token, 413 over 512 KiB, 400 for a
  body that is not a JSON object, nothing changed by any refused write; spooled bodies closed.
"""

import contextlib
import gc
import json
import tempfile
import threading
import warnings
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from wsgi_client import Client

from shuffify.models import RecentExternalPlaylist, UpstreamSource, WorkshopSession
from shuffify.playlists import changes

TRACK_KEYS = {
    *("uri", "id", "name", "artists", "album", "duration_ms", "is_local", "image_url"),
    *("release_date", "explicit"),
}
PLAYLIST_KEYS = {"id", "name", "owner_name", "image_url", "track_count"}
WRITE_PATH = r"^/v1/playlists/[^/]+/items$"
MAX_BODY = 512 * 1024
SOME_PLAYLIST = "37i9dQZF1DXcBWIGoYBM5M"  # sessions never ask Spotify about their playlist
OTHER_PLAYLIST = "6rqhFgbbKwnb9MLmUQDhG6"
MISSING = "0000000000000000000000"
A22 = "a" * 22


# --- Helpers -------------------------------------------------------------------------------


def assert_error(response, status: int, *words: str) -> str:
    """The app's one JSON error shape with this status, its message naming each word."""
    assert response.status == status, response.raw
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json["error"]["status"] == status
    message = response.json["error"]["message"]
    assert isinstance(message, str) and message
    for word in words:
        assert word in message, message
    return message


def writes(fake) -> int:
    """Calls that changed a playlist's items on the fake."""
    return sum(fake.count(method, WRITE_PATH) for method in ("POST", "PUT", "DELETE"))


def make_playlist(fake, owner: str = "ada", count: int = 5, **options) -> tuple[str, list[str]]:
    """A playlist of `count` catalog tracks on the fake: its id and its uris."""
    items = [fake.track(f"Song {owner} {i}") for i in range(count)]
    return fake.add_playlist(owner, f"{owner} mix", items, **options), [t["uri"] for t in items]


def new_track(fake, name: str = "Brand New") -> str:
    track = fake.track(name)
    fake.catalog_add(track)
    return track["uri"]


def uri_at(n: int) -> str:
    """A valid track URI, a different one for each n."""
    return f"spotify:track:{n:022d}"


def save(user, playlist_id: str, uris, **extra):
    return user.put(f"/api/playlists/{playlist_id}/tracks", {"track_uris": uris, **extra})


def external(user, url: str | None):
    query = "" if url is None else f"?{urlencode({'url': url})}"
    return user.get(f"/api/external-playlists{query}")


def recent_ids(user) -> list[str]:
    response = user.get("/api/external-playlists/recent")
    assert response.status == 200, response.raw
    return [p["id"] for p in response.json["playlists"]]


def create_session(user, name="Friday", uris=None, playlist_id=SOME_PLAYLIST):
    body = {"session_name": name, "track_uris": [uri_at(1), uri_at(2)] if uris is None else uris}
    return user.post(f"/api/playlists/{playlist_id}/sessions", body)


def add_source(user, target: str, **body):
    return user.post(f"/api/playlists/{target}/sources", body)


def raw(user, method: str, path: str, body: bytes):
    """A write with exactly these body bytes, and the CSRF header."""
    headers = {"Content-Type": "application/json", "X-CSRF-Token": user.csrf}
    return user.client.request(method, path, body, headers)


def rows(model) -> list[dict]:
    return [row.to_dict() for row in model.select().order_by(model.id)]


def unclosed_body_files(user) -> list[str]:
    """Request bodies bottle spooled to temporary files (over 100 KiB) that nobody closed.

    Bottle keeps a thread's last request until its next one; the garbage collector then finds
    the file still open, and a ResourceWarning is all that tells.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        assert user.get("/api/me").status == 200
        gc.collect()
    found = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    return [message for message in found if tempfile.gettempdir() in message]


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


@pytest.fixture
def bo(sign_in):
    return sign_in("bo")


# --- Saving a staged order -----------------------------------------------------------------


EDITS = {  # (live uris, a catalog track, a catalog episode) -> the staged list
    "reorder": lambda live, track, episode: [live[3], live[0], live[4], live[1], live[2]],
    "removal": lambda live, track, episode: [live[0], live[2], live[4]],
    "addition at the end": lambda live, track, episode: [*live, track],
    "addition in the middle": lambda live, track, episode: [*live[:2], track, *live[2:]],
    "episode": lambda live, track, episode: [episode, *live[1:]],
    "everything removed": lambda live, track, episode: [],
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_save_makes_the_playlist_exactly_the_list(ada, fake_spotify, edit):
    playlist_id, live = make_playlist(fake_spotify)
    episode = fake_spotify.episode()
    fake_spotify.catalog_add(episode)
    target = edit(live, new_track(fake_spotify), episode["uri"])
    response = save(ada, playlist_id, target)
    assert response.status == 200, response.raw
    assert response.json["changed"] is True and response.json["track_uris"] == target
    assert fake_spotify.playlist_uris(playlist_id) == target


def test_save_keeps_a_local_file_and_never_adds_one_it_does_not_hold(ada, fake_spotify):
    tracks = [fake_spotify.track(f"T{i}") for i in range(4)]
    local = fake_spotify.local("Home Demo")
    playlist_id = fake_spotify.add_playlist("ada", "Mixed", [tracks[0], local, *tracks[1:]])
    t = [track["uri"] for track in tracks]
    target = [t[3], new_track(fake_spotify), local["uri"], t[0], t[1]]
    response = save(ada, playlist_id, target)
    assert response.status == 200, response.raw
    assert fake_spotify.playlist_uris(playlist_id) == target
    fake_spotify.reset_calls()  # a local file the playlist does not hold cannot be added
    stranger = fake_spotify.local("Elsewhere")["uri"]
    assert_error(save(ada, playlist_id, [*target, new_track(fake_spotify), stranger]), 400, "local")
    assert writes(fake_spotify) == 0 and fake_spotify.playlist_uris(playlist_id) == target


BAD_URIS = {
    "short id": "spotify:track:abc",
    "long id": f"spotify:track:{A22}a",
    "punctuation": f"spotify:track:{A22[:21]}!",
    "album": f"spotify:album:{A22}",
    "playlist": f"spotify:playlist:{A22}",
    "web link": f"https://open.spotify.com/track/{A22}",
    "bare id": A22,
    "empty": "",
    "empty local": "spotify:local:",
    "local with a space": "spotify:local:a b",
    "null": None,
    "number": 42,
    "object": {"uri": f"spotify:track:{A22}"},
}


@pytest.mark.parametrize("bad", BAD_URIS.values(), ids=BAD_URIS.keys())
def test_save_refuses_a_bad_uri_naming_its_position_before_asking_spotify(ada, fake_spotify, bad):
    playlist_id, live = make_playlist(fake_spotify)
    fake_spotify.reset_calls()
    assert_error(save(ada, playlist_id, [live[0], live[1], bad, live[2]]), 400, "track_uris[2]")
    assert fake_spotify.count() == 0 and fake_spotify.playlist_uris(playlist_id) == live


BAD_SAVES = {
    "10001 items": ({"track_uris": [uri_at(n) for n in range(10_001)]}, ["10001", "10000"]),
    "a string": ({"track_uris": f"spotify:track:{A22}"}, ["track_uris"]),
    "an object": ({"track_uris": {"0": f"spotify:track:{A22}"}}, ["track_uris"]),
    "no track_uris": ({"snapshot_id": "abc"}, ["track_uris"]),
    "numeric snapshot_id": ({"track_uris": [], "snapshot_id": 7}, ["snapshot_id"]),
}


@pytest.mark.parametrize("body, words", BAD_SAVES.values(), ids=BAD_SAVES.keys())
def test_save_refuses_a_bad_body_naming_the_field(ada, fake_spotify, body, words):
    playlist_id, live = make_playlist(fake_spotify)
    fake_spotify.reset_calls()
    response = ada.put(f"/api/playlists/{playlist_id}/tracks", body)
    unclosed_body_files(ada)  # a large body is spooled to a file: see the test of that
    assert_error(response, 400, *words)
    assert writes(fake_spotify) == 0 and fake_spotify.playlist_uris(playlist_id) == live


def test_save_on_a_changed_snapshot_is_409_with_the_live_list_and_writes_nothing(
    ada, bo, fake_spotify
):
    playlist_id, live = make_playlist(fake_spotify, collaborative=True, collaborators=("bo",))
    loaded = ada.get(f"/api/playlists/{playlist_id}").json["snapshot_id"]
    assert save(bo, playlist_id, live[::-1]).status == 200  # changed on Spotify since
    fake_spotify.reset_calls()
    response = save(ada, playlist_id, live[1:], snapshot_id=loaded)
    assert_error(response, 409, "snapshot_id")
    assert set(response.json) == {"error", "live"}
    assert response.json["live"] == {
        "snapshot_id": fake_spotify.snapshot_id(playlist_id),
        "track_uris": fake_spotify.playlist_uris(playlist_id),
    }
    assert response.json["live"]["track_uris"] == live[::-1] and writes(fake_spotify) == 0


@pytest.mark.parametrize("given", ["current", "none"])
def test_save_with_the_current_snapshot_or_none_goes_ahead(ada, fake_spotify, given):
    playlist_id, live = make_playlist(fake_spotify)
    extra = {"snapshot_id": fake_spotify.snapshot_id(playlist_id)} if given == "current" else {}
    assert save(ada, playlist_id, live[::-1], **extra).status == 200
    assert fake_spotify.playlist_uris(playlist_id) == live[::-1]


def test_one_moved_track_costs_one_write_and_an_unchanged_list_none(ada, fake_spotify):
    playlist_id, live = make_playlist(fake_spotify, count=150)  # a replace would take 2 calls
    target = [*live[:10], live[120], *live[10:120], *live[121:]]
    fake_spotify.reset_calls()
    assert save(ada, playlist_id, target).status == 200
    assert writes(fake_spotify) == 1 and fake_spotify.playlist_uris(playlist_id) == target
    again = save(ada, playlist_id, target)
    assert again.status == 200 and again.json["changed"] is False
    assert writes(fake_spotify) == 1


def test_a_save_is_one_undo_step(ada, fake_spotify):
    playlist_id, live = make_playlist(fake_spotify)
    saved = save(ada, playlist_id, [live[4], live[0], live[3], live[1]])  # one removed too
    assert saved.status == 200, saved.raw
    assert saved.json["history"] == {"position": 1, "size": 2, "can_undo": True, "can_redo": False}
    undone = ada.post(f"/api/playlists/{playlist_id}/undo")
    assert undone.status == 200, undone.raw
    assert fake_spotify.playlist_uris(playlist_id) == live
    assert_error(ada.post(f"/api/playlists/{playlist_id}/undo"), 409, "undo")
    assert fake_spotify.playlist_uris(playlist_id) == live


def test_saving_another_users_playlist_is_403_and_writes_nothing(ada, fake_spotify):
    fake_spotify.add_user("bo", "Bo")
    playlist_id, live = make_playlist(fake_spotify, owner="bo", public=True)
    fake_spotify.reset_calls()
    assert_error(save(ada, playlist_id, live[::-1]), 403)
    assert writes(fake_spotify) == 0 and fake_spotify.playlist_uris(playlist_id) == live


# --- Search --------------------------------------------------------------------------------


BAD_SEARCHES = {  # query string -> the parameter the 400 names
    "q=": "q",
    "q=+++": "q",
    "q=" + "x" * 201: "q",
    "type=track": "q",
    "q=glow&limit=0": "limit",
    "q=glow&limit=11": "limit",
    "q=glow&limit=ten": "limit",
    "q=glow&offset=-1": "offset",
    "q=glow&type=album": "type",
    "q=glow&type=": "type",
    "q=glow&type=track,playlist": "type",
}


@pytest.mark.parametrize("query", BAD_SEARCHES, ids=lambda q: q[:20])
def test_search_refuses_bad_parameters_naming_them_before_asking_spotify(ada, fake_spotify, query):
    fake_spotify.reset_calls()
    assert_error(ada.get(f"/api/search?{query}"), 400, BAD_SEARCHES[query])
    assert fake_spotify.count("GET", r"^/v1/search$") == 0


def test_search_accepts_200_characters_and_a_limit_of_10(ada, fake_spotify):
    fake_spotify.catalog_add(*(fake_spotify.track(f"Glow {i}") for i in range(12)))
    assert ada.get(f"/api/search?q={'g' * 200}").status == 200
    response = ada.get("/api/search?q=glow&type=track&limit=10&offset=0")
    assert response.status == 200, response.raw
    assert len(response.json["items"]) == 10 and response.json["total"] == 12
    assert fake_spotify.calls[-1].query["limit"] == "10"
    assert len(ada.get("/api/search?q=glow&limit=10&offset=10").json["items"]) == 2


def test_search_answers_tracks_as_a_playlist_does(ada, fake_spotify):
    track = fake_spotify.track("Quiet Harbour", ("Nell", "Ola"), "Tides")
    playlist_id = fake_spotify.add_playlist("ada", "Holder", [track])
    listed = ada.get(f"/api/playlists/{playlist_id}").json["tracks"][0]
    response = ada.get("/api/search?q=harbour&type=track")
    assert response.status == 200, response.raw
    [found] = response.json["items"]
    assert set(found) == TRACK_KEYS and found == {k: v for k, v in listed.items() if k in found}
    assert set(listed) == TRACK_KEYS | {"added_at"}  # only a playlist entry has a date added
    assert found["artists"] == ["Nell", "Ola"] and found["album"] == "Tides"


def test_search_answers_playlists_in_their_own_shape(ada, fake_spotify):
    fake_spotify.add_user("bo", "Bo Diddly")
    playlist_id, _ = make_playlist(fake_spotify, owner="bo", count=3)
    response = ada.get("/api/search?q=bo+mix&type=playlist")
    assert response.status == 200, response.raw
    [found] = response.json["items"]
    assert set(found) == PLAYLIST_KEYS and found["image_url"].startswith("https://")
    assert (found["id"], found["name"]) == (playlist_id, "bo mix")
    assert (found["owner_name"], found["track_count"]) == ("Bo Diddly", 3)


# --- External playlists --------------------------------------------------------------------


LINK_FORMS = {
    "id": "{id}",
    "uri": "spotify:playlist:{id}",
    "link": "https://open.spotify.com/playlist/{id}",
    "query string": "https://open.spotify.com/playlist/{id}?si=a1b2c3d4e5f6&pt=x",
    "trailing slash": "https://open.spotify.com/playlist/{id}/",
    "intl-de": "https://open.spotify.com/intl-de/playlist/{id}",
    "intl-pt-BR": "https://open.spotify.com/intl-pt-BR/playlist/{id}?si=abc",
    "no scheme": "open.spotify.com/playlist/{id}",
    "http": "http://open.spotify.com/playlist/{id}",
    "spaces around": "  https://open.spotify.com/playlist/{id}  ",
}
REFUSED_FORMS = {
    "no url": None,
    "empty": "",
    "text": "my favourite playlist",
    "track uri": "spotify:track:{id}",
    "album link": "https://open.spotify.com/album/{id}",
    "another host": "https://example.com/playlist/{id}",
    "look-alike host": "https://open.spotify.com.example.com/playlist/{id}",
    "ftp": "ftp://open.spotify.com/playlist/{id}",
    "21 characters": "{short}",
    "21 in a link": "https://open.spotify.com/playlist/{short}",
    "23 characters": "{id}x",
}


@pytest.mark.parametrize("form", LINK_FORMS.values(), ids=LINK_FORMS.keys())
def test_external_playlist_loads_from_every_accepted_form(ada, fake_spotify, form):
    playlist_id, live = make_playlist(fake_spotify)
    response = external(ada, form.format(id=playlist_id))
    assert response.status == 200, response.raw
    assert (response.json["id"], response.json["name"]) == (playlist_id, "ada mix")
    assert [t["uri"] for t in response.json["tracks"]] == live


@pytest.mark.parametrize("form", REFUSED_FORMS.values(), ids=REFUSED_FORMS.keys())
def test_external_playlist_refuses_other_forms_before_asking_spotify(ada, fake_spotify, form):
    playlist_id, _ = make_playlist(fake_spotify)
    fake_spotify.reset_calls()
    url = None if form is None else form.format(id=playlist_id, short=playlist_id[:21])
    assert_error(external(ada, url), 400, "url")
    assert fake_spotify.count() == 0 and recent_ids(ada) == []


@pytest.mark.parametrize("kind", ["own", "collaborative"])
def test_external_playlist_answers_the_tracks_of_own_and_collaborative_playlists(
    ada, fake_spotify, kind
):
    fake_spotify.add_user("bo", "Bo")
    owner, options = ("ada", {}) if kind == "own" else ("bo", {"collaborators": ("ada",)})
    playlist_id, live = make_playlist(fake_spotify, owner, collaborative=kind != "own", **options)
    response = external(ada, playlist_id)
    assert response.status == 200, response.raw
    assert response.json["tracks"] == ada.get(f"/api/playlists/{playlist_id}").json["tracks"]
    assert [t["uri"] for t in response.json["tracks"]] == live
    assert response.json["track_count"] == 5 and "reason" not in response.json


def test_someone_elses_playlist_is_metadata_only_never_an_empty_list(ada, fake_spotify):
    fake_spotify.add_user("bo", "Bo")
    playlist_id, _ = make_playlist(fake_spotify, owner="bo", public=True)
    response = external(ada, playlist_id)
    assert response.status == 200, response.raw
    assert response.json["tracks"] is None and response.json["track_count"] != 0
    assert isinstance(response.json["reason"], str) and response.json["reason"].strip()
    assert (response.json["name"], response.json["owner_name"]) == ("bo mix", "Bo")
    assert recent_ids(ada) == [playlist_id]


def test_a_missing_external_playlist_is_404_and_not_remembered(ada):
    assert_error(external(ada, MISSING), 404)
    assert recent_ids(ada) == []


def test_recent_external_playlists_are_ten_newest_first_without_duplicates_per_user(
    ada, bo, fake_spotify
):
    ids = [make_playlist(fake_spotify)[0] for _ in range(12)]

    def load(user, playlist_id):
        assert external(user, playlist_id).status == 200

    for playlist_id in ids:
        load(ada, playlist_id)
    newest = ids[::-1][:10]
    assert recent_ids(ada) == newest
    load(ada, ids[5])  # listed: moves to the top
    assert recent_ids(ada) == [ids[5], *(i for i in newest if i != ids[5])]
    load(ada, ids[0])  # dropped before: back at the top, and the oldest goes
    expected = [ids[0], ids[5], *(i for i in newest if i != ids[5])][:10]
    assert recent_ids(ada) == expected and RecentExternalPlaylist.select().count() == 10
    assert recent_ids(bo) == []
    load(bo, ids[1])
    assert recent_ids(bo) == [ids[1]] and recent_ids(ada) == expected
    top = ada.get("/api/external-playlists/recent").json["playlists"][0]
    assert (top["name"], top["track_count"]) == ("ada mix", 5)


# --- Saved workshop sessions ---------------------------------------------------------------


def test_a_session_is_created_with_a_trimmed_name_and_read_back(ada, fake_spotify):
    uris = [uri_at(3), f"spotify:episode:{A22}", fake_spotify.local()["uri"], uri_at(3)]
    response = create_session(ada, "  Friday mix \t", uris)
    assert response.status == 201, response.raw
    body = response.json
    assert {"id", "session_name", "track_uris", "playlist_id"} <= set(body)
    assert (body["session_name"], body["track_uris"]) == ("Friday mix", uris)
    assert (body["playlist_id"], body["track_count"]) == (SOME_PLAYLIST, 4)
    row = WorkshopSession.get_by_id(body["id"])
    assert (row.session_name, row.track_uris) == ("Friday mix", uris)
    assert ada.get(f"/api/sessions/{body['id']}").json == body


def test_a_session_takes_a_255_character_name_and_10000_items(ada):
    response = create_session(ada, "n" * 255, [uri_at(n) for n in range(10_000)])
    unclosed_body_files(ada)  # a large body is spooled to a file: see the test of that
    assert response.status == 201, response.raw
    assert len(response.json["session_name"]) == 255 and response.json["track_count"] == 10_000


@pytest.mark.parametrize("name", ["", "   ", "\t\n", "n" * 256, None, 42, ["Friday"]], ids=repr)
def test_session_name_must_be_1_to_255_characters_after_trimming(ada, name):
    assert_error(create_session(ada, name), 400, "session_name")
    assert WorkshopSession.select().count() == 0


BAD_SESSION_URIS = {
    "bad uri": ([uri_at(1), uri_at(2), f"spotify:album:{A22}"], ["track_uris[2]"]),
    "a string": (f"spotify:track:{A22}", ["track_uris"]),
    "null": (None, ["track_uris"]),
    "10001 items": ([uri_at(n) for n in range(10_001)], ["track_uris", "10000"]),
}


@pytest.mark.parametrize("uris, words", BAD_SESSION_URIS.values(), ids=BAD_SESSION_URIS.keys())
def test_session_track_uris_are_validated_like_a_save(ada, uris, words):
    body = {"session_name": "Friday", "track_uris": uris}
    response = ada.post(f"/api/playlists/{SOME_PLAYLIST}/sessions", body)
    unclosed_body_files(ada)
    assert_error(response, 400, *words)
    assert WorkshopSession.select().count() == 0


def test_sessions_are_listed_newest_first_per_user_and_playlist(ada, bo):
    made = [create_session(ada, name).json["id"] for name in ("one", "two", "three")]
    create_session(ada, "elsewhere", playlist_id=OTHER_PLAYLIST)
    create_session(bo, "bo's")
    response = ada.get(f"/api/playlists/{SOME_PLAYLIST}/sessions")
    assert response.status == 200, response.raw
    assert [s["id"] for s in response.json["sessions"]] == made[::-1]
    assert [s["session_name"] for s in response.json["sessions"]] == ["three", "two", "one"]
    theirs = bo.get(f"/api/playlists/{SOME_PLAYLIST}/sessions").json["sessions"]
    assert [s["session_name"] for s in theirs] == ["bo's"]


SESSION_CHANGES = {  # the PUT body -> (name, uris) after it; None: as created
    "name only": ({"session_name": "  Renamed "}, ("Renamed", None)),
    "uris only": ({"track_uris": [uri_at(9)]}, ("Friday", [uri_at(9)])),
    "nothing": ({}, ("Friday", None)),
    "both": ({"session_name": "Both", "track_uris": []}, ("Both", [])),
}


@pytest.mark.parametrize("change, after", SESSION_CHANGES.values(), ids=SESSION_CHANGES.keys())
def test_session_put_changes_only_the_fields_it_names(ada, change, after):
    created = create_session(ada).json
    response = ada.put(f"/api/sessions/{created['id']}", change)
    assert response.status == 200, response.raw
    expected = (after[0], created["track_uris"] if after[1] is None else after[1])
    for body in (response.json, ada.get(f"/api/sessions/{created['id']}").json):
        assert (body["session_name"], body["track_uris"]) == expected
    row = WorkshopSession.get_by_id(created["id"])
    assert (row.session_name, row.track_uris) == expected


BAD_SESSION_CHANGES = {
    "unknown field": ({"session_name": "Fine", "colour": "red"}, "colour"),
    "blank name": ({"session_name": " "}, "session_name"),
    "long name": ({"session_name": "n" * 256}, "session_name"),
    "bad uri": ({"track_uris": [uri_at(1), uri_at(2), "nope"]}, "track_uris[2]"),
    "null uris": ({"track_uris": None}, "track_uris"),
}


@pytest.mark.parametrize(
    "change, field", BAD_SESSION_CHANGES.values(), ids=BAD_SESSION_CHANGES.keys()
)
def test_session_put_refuses_bad_fields_and_changes_nothing(ada, change, field):
    created = create_session(ada).json
    before = rows(WorkshopSession)
    assert_error(ada.put(f"/api/sessions/{created['id']}", change), 400, field)
    assert rows(WorkshopSession) == before


def test_the_eleventh_session_of_a_playlist_is_409(ada, bo):
    for n in range(10):
        assert create_session(ada, f"s{n}").status == 201
    assert_error(create_session(ada, "s10"), 409, "at most 10")
    assert WorkshopSession.select().count() == 10
    assert create_session(ada, "elsewhere", playlist_id=OTHER_PLAYLIST).status == 201
    assert create_session(bo, "bo's own").status == 201


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_another_users_session_is_404_like_a_missing_one_and_unchanged(ada, bo, method):
    theirs = create_session(bo, "Bo's").json["id"]
    before = rows(WorkshopSession)
    body = {"session_name": "Taken"} if method == "PUT" else None
    response = ada.write(method, f"/api/sessions/{theirs}", body)
    assert_error(response, 404)
    assert response.json == ada.write(method, f"/api/sessions/{theirs + 1000}", body).json
    assert rows(WorkshopSession) == before
    assert bo.get(f"/api/sessions/{theirs}").json["session_name"] == "Bo's"


def test_a_deleted_session_is_gone(ada):
    session_id = create_session(ada).json["id"]
    response = ada.delete(f"/api/sessions/{session_id}")
    assert response.status == 200, response.raw
    assert_error(ada.get(f"/api/sessions/{session_id}"), 404)
    assert_error(ada.delete(f"/api/sessions/{session_id}"), 404)
    assert ada.get(f"/api/playlists/{SOME_PLAYLIST}/sessions").json["sessions"] == []
    assert WorkshopSession.select().count() == 0


# --- Upstream sources ----------------------------------------------------------------------


@pytest.mark.parametrize("form", [None, *LINK_FORMS.values()], ids=["id", *LINK_FORMS])
def test_a_source_is_added_by_id_or_any_link_form(ada, fake_spotify, form):
    target, _ = make_playlist(fake_spotify)
    body = {"source_playlist_id": OTHER_PLAYLIST}
    if form is not None:
        body = {"source_url": form.format(id=OTHER_PLAYLIST), "source_name": "Feeds"}
    response = add_source(ada, target, **body)
    assert response.status == 201, response.raw
    assert response.json["source_playlist_id"] == OTHER_PLAYLIST
    assert (response.json["target_playlist_id"], response.json["source_type"]) == (
        target,
        "external",
    )
    row = UpstreamSource.get_by_id(response.json["id"])
    assert (row.source_playlist_id, row.source_url) == (OTHER_PLAYLIST, body.get("source_url"))


def test_the_same_source_again_answers_200_with_the_existing_row(ada, fake_spotify):
    target, _ = make_playlist(fake_spotify)
    first = add_source(ada, target, source_playlist_id=OTHER_PLAYLIST, source_type="own")
    assert first.status == 201, first.raw
    again = add_source(ada, target, source_url=f"open.spotify.com/playlist/{OTHER_PLAYLIST}/")
    assert again.status == 200, again.raw
    assert again.json == first.json and UpstreamSource.select().count() == 1


BAD_SOURCES = {
    "source_type": {"source_playlist_id": OTHER_PLAYLIST, "source_type": "stolen"},
    "null source_type": {"source_playlist_id": OTHER_PLAYLIST, "source_type": None},
    "source_playlist_id": {"source_playlist_id": "not a playlist"},
    "source_url": {"source_url": f"https://example.com/playlist/{OTHER_PLAYLIST}"},
    "neither": {},
    "source_name": {"source_playlist_id": OTHER_PLAYLIST, "source_name": "n" * 256},
}


@pytest.mark.parametrize("case", BAD_SOURCES)
def test_a_source_with_a_bad_field_is_400_naming_it_and_no_row(ada, fake_spotify, case):
    target, _ = make_playlist(fake_spotify)
    field = {"null source_type": "source_type", "neither": "source_playlist_id"}.get(case, case)
    assert_error(add_source(ada, target, **BAD_SOURCES[case]), 400, field)
    assert UpstreamSource.select().count() == 0


def test_the_same_source_added_twice_at_once_makes_one_row(ada, fake_spotify, monkeypatch):
    """A double click: both requests pass the duplicate check before either inserts."""
    target, _ = make_playlist(fake_spotify)
    both_checked, check_editable = threading.Barrier(2, timeout=5), changes.check_editable

    def check_then_wait_for_the_other(*args):
        meta = check_editable(*args)
        with contextlib.suppress(threading.BrokenBarrierError):  # a fix may serialise them
            both_checked.wait()
        return meta

    monkeypatch.setattr(changes, "check_editable", check_then_wait_for_the_other)
    statuses = []

    def add():
        statuses.append(add_source(ada, target, source_playlist_id=MISSING).status)

    other = threading.Thread(target=add)
    other.start()
    add()
    other.join()
    assert sorted(statuses) == [200, 201]
    assert UpstreamSource.select().count() == 1


def test_a_source_for_a_target_the_user_cannot_edit_is_403_and_no_row(ada, fake_spotify):
    fake_spotify.add_user("bo", "Bo")
    theirs, _ = make_playlist(fake_spotify, owner="bo", public=True)
    assert_error(add_source(ada, theirs, source_playlist_id=OTHER_PLAYLIST), 403)
    assert UpstreamSource.select().count() == 0
    shared, _ = make_playlist(fake_spotify, owner="bo", collaborative=True, collaborators=("ada",))
    assert add_source(ada, shared, source_playlist_id=OTHER_PLAYLIST).status == 201


def test_the_twenty_first_source_of_a_target_is_409(ada, fake_spotify):
    target, _ = make_playlist(fake_spotify)
    sources = [f"{n:022d}" for n in range(21)]
    for source in sources[:20]:
        assert add_source(ada, target, source_playlist_id=source).status == 201
    assert_error(add_source(ada, target, source_playlist_id=sources[20]), 409, "20")
    assert UpstreamSource.select().count() == 20
    assert add_source(ada, target, source_playlist_id=sources[3]).status == 200
    other, _ = make_playlist(fake_spotify)
    assert add_source(ada, other, source_playlist_id=sources[20]).status == 201


def test_sources_are_listed_per_user_and_deleted(ada, bo, fake_spotify):
    target, _ = make_playlist(fake_spotify, collaborative=True, collaborators=("bo",))
    first = add_source(ada, target, source_playlist_id=OTHER_PLAYLIST).json
    second = add_source(ada, target, source_url=f"spotify:playlist:{SOME_PLAYLIST}").json
    add_source(bo, target, source_playlist_id=MISSING)
    listed = ada.get(f"/api/playlists/{target}/sources")
    assert listed.status == 200, listed.raw
    assert listed.json["sources"] == [first, second]
    theirs = bo.get(f"/api/playlists/{target}/sources").json["sources"]
    assert [s["source_playlist_id"] for s in theirs] == [MISSING]
    assert ada.delete(f"/api/sources/{first['id']}").status == 200
    assert ada.get(f"/api/playlists/{target}/sources").json["sources"] == [second]
    assert_error(ada.delete(f"/api/sources/{first['id']}"), 404)


def test_another_users_source_is_404_like_a_missing_one_and_stays(ada, bo, fake_spotify):
    target, _ = make_playlist(fake_spotify, owner="bo")
    theirs = add_source(bo, target, source_playlist_id=OTHER_PLAYLIST).json["id"]
    before = rows(UpstreamSource)
    response = ada.delete(f"/api/sources/{theirs}")
    assert_error(response, 404)
    assert response.json == ada.delete(f"/api/sources/{theirs + 1000}").json
    assert rows(UpstreamSource) == before
    assert ada.get(f"/api/playlists/{target}/sources").json["sources"] == []


# --- Everywhere ----------------------------------------------------------------------------


@pytest.fixture
def world(ada, fake_spotify):
    """Ada's playlist, with one saved session and one source: what the writes act on."""
    playlist_id, uris = make_playlist(fake_spotify)
    session = create_session(ada, uris=uris, playlist_id=playlist_id)
    source = add_source(ada, playlist_id, source_playlist_id=OTHER_PLAYLIST)
    assert session.status == 201 and source.status == 201
    return SimpleNamespace(
        pid=playlist_id, uris=uris, sid=session.json["id"], src=source.json["id"]
    )


WRITES = {  # method, path, body
    "save": ("PUT", "/api/playlists/{pid}/tracks", lambda w: {"track_uris": w.uris[::-1]}),
    "new session": (
        "POST",
        "/api/playlists/{pid}/sessions",
        lambda w: {"session_name": "N", "track_uris": []},
    ),
    "change session": ("PUT", "/api/sessions/{sid}", lambda w: {"session_name": "Changed"}),
    "delete session": ("DELETE", "/api/sessions/{sid}", lambda w: None),
    "add source": ("POST", "/api/playlists/{pid}/sources", lambda w: {"source_url": MISSING}),
    "delete source": ("DELETE", "/api/sources/{src}", lambda w: None),
}
BODY_WRITES = {name: write for name, write in WRITES.items() if write[0] != "DELETE"}


def state(fake, world) -> tuple:
    """Everything a write could change: the playlist on the fake and the workshop's rows."""
    playlist = (fake.playlist_uris(world.pid), fake.snapshot_id(world.pid))
    return playlist, rows(WorkshopSession), rows(UpstreamSource)


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_without_the_csrf_token_is_403_and_changes_nothing(
    ada, fake_spotify, world, write
):
    method, path, body = write
    before = state(fake_spotify, world)
    fake_spotify.reset_calls()
    for token in ("", "wrong-token"):  # none sent, and a wrong one
        response = ada.write(method, path.format(**vars(world)), body(world), csrf=token)
        assert_error(response, 403, "CSRF")
    assert state(fake_spotify, world) == before and fake_spotify.count() == 0


@pytest.mark.parametrize("write", BODY_WRITES.values(), ids=BODY_WRITES.keys())
def test_a_body_over_512_kib_is_413_and_changes_nothing(ada, fake_spotify, world, write):
    method, path, body = write
    big = json.dumps({**body(world), "padding": "x" * MAX_BODY}).encode()
    before = state(fake_spotify, world)
    fake_spotify.reset_calls()
    assert_error(raw(ada, method, path.format(**vars(world)), big), 413)
    assert state(fake_spotify, world) == before and writes(fake_spotify) == 0


@pytest.mark.parametrize("write", BODY_WRITES.values(), ids=BODY_WRITES.keys())
def test_a_body_that_is_not_a_json_object_is_400_and_changes_nothing(
    ada, fake_spotify, world, write
):
    method, path, _ = write
    before = state(fake_spotify, world)
    for body in (b"[]", b'"text"', b"null", b"", b"{not json", b'{"track_uris": [', b"\xff"):
        assert_error(raw(ada, method, path.format(**vars(world)), body), 400, "JSON")
    assert state(fake_spotify, world) == before


def test_a_body_over_100_kib_is_closed_once_answered(ada):
    response = create_session(ada, uris=[uri_at(n) for n in range(3000)])  # 120 KB
    assert response.status == 201, response.raw
    assert unclosed_body_files(ada) == []


ROUTES = [
    ("PUT", f"/api/playlists/{SOME_PLAYLIST}/tracks"),
    ("GET", "/api/search?q=glow"),
    ("GET", f"/api/external-playlists?url={SOME_PLAYLIST}"),
    ("GET", "/api/external-playlists/recent"),
    ("GET", f"/api/playlists/{SOME_PLAYLIST}/sessions"),
    ("POST", f"/api/playlists/{SOME_PLAYLIST}/sessions"),
    *((method, "/api/sessions/1") for method in ("GET", "PUT", "DELETE")),
    ("GET", f"/api/playlists/{SOME_PLAYLIST}/sources"),
    ("POST", f"/api/playlists/{SOME_PLAYLIST}/sources"),
    ("DELETE", "/api/sources/1"),
]


def test_every_workshop_route_needs_a_login_session(spotify_app, fake_spotify):
    for method, path in ROUTES:
        assert_error(Client(spotify_app).send_json(method, path, {}), 401)
    assert fake_spotify.count() == 0
