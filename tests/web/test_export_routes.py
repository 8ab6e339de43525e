"""Export and import routes (issue 19), in-process through the app against the real HTTP
fake Spotify, on SQLite files and real PostgreSQL. Covered:

- GET /api/playlists/<id>/export?format=json|csv downloads the playlist as an attachment, every
  item in order with its name, artists, album and added_at (a bad format is a 400);
  GET /api/snapshots/<sid>/export downloads a snapshot in its order, with the names the live
  playlist still knows.
- GET /api/export is a zip of every playlist the user can edit (not the ones they follow), one
  JSON file each, plus snapshots.json; 10 playlists of 500 items cost 1 listing call and 1 call
  per 50 items, no metadata calls.
- POST /api/playlists/<id>/import (multipart or JSON body) makes the playlist the file's list as
  a change (an automatic snapshot first, undone by undo, the fewest calls); Exportify's CSV is
  read in its row order; items that cannot be added are "skipped" naming their line; a file
  that is none of the accepted ones is a 400 naming the line and nothing is written; over 8 MB
  is a 413; another user's playlist is a 403; every import needs the CSRF token.
- POST /api/import creates a private playlist named after the file (or "name") and fills it:
  1,000 items cost 1 create and 10 appends; a 10,000-item export imported back gives the same
  order.
"""

import csv
import io
import json
import re
import uuid
import zipfile
from collections import Counter

import pytest

from shuffify.models import PlaylistSnapshot, User
from shuffify.playlists import snapshots
from shuffify.playlists.exports import CSV_COLUMNS
from shuffify.playlists.merge import LOCAL_REASON

ITEMS = r"/v1/playlists/[^/]+/items"
METADATA = r"/v1/playlists/[^/]+"
EXPORTIFY_HEADER = (
    '"Track URI","Track Name","Artist URI(s)","Artist Name(s)","Album URI","Album Name",'
    '"Album Artist URI(s)","Album Artist Name(s)","Album Release Date","Album Image URL",'
    '"Disc Number","Track Number","Track Duration (ms)","Track Preview URL","Explicit",'
    '"Popularity","ISRC","Added By","Added At"'
)


@pytest.fixture
def fake(fake_spotify):
    return fake_spotify


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


def songs(fake, count: int, prefix: str = "Song") -> list[dict]:
    return [
        fake.track(f"{prefix} {i}", artists=(f"Artist {i % 4}", "Guest"), album=f"Album {i % 3}")
        for i in range(count)
    ]


def ok(response, status: int = 200):
    assert response.status == status, response.raw
    return response.json


def upload(user, path: str, data: bytes, filename: str = "list.csv", fields=None, csrf=True):
    """A multipart/form-data POST with the file as field "file" (and any other fields)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in (fields or {}).items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if csrf:
        headers["X-CSRF-Token"] = user.csrf
    return user.client.request("POST", path, body, headers)


def calls_by_kind(fake) -> dict:
    found = Counter()
    for call in fake.calls:
        if call.method == "GET" and call.path == "/v1/me/playlists":
            found["listing"] += 1
        elif call.method == "POST" and call.path == "/v1/me/playlists":
            found["create"] += 1
        elif call.method == "GET" and re.fullmatch(METADATA, call.path):
            found["metadata"] += 1
        elif call.method == "GET" and re.fullmatch(ITEMS, call.path):
            found["pages"] += 1
        elif re.fullmatch(ITEMS, call.path):
            found["writes"] += 1
        else:
            found["other"] += 1
    return dict(found)


def writes(fake) -> int:
    return sum(1 for c in fake.calls if c.method != "GET" and c.path.startswith("/v1/"))


# --- Exports ---------------------------------------------------------------------------------


def test_a_playlist_exports_as_json_with_every_item_in_order(ada, fake):
    items = songs(fake, 60)
    pid = fake.add_playlist("ada", "Road trip", items, description="For the A7")
    response = ada.get(f"/api/playlists/{pid}/export?format=json")
    assert response.status == 200, response.raw
    assert response.headers["Content-Type"].startswith("application/json")
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="road-trip-{pid}.json"'
    document = response.json
    assert (document["format"], document["version"]) == ("shuffify-playlist", 1)
    assert document["playlist"] == {"id": pid, "name": "Road trip", "description": "For the A7"}
    assert [i["uri"] for i in document["items"]] == fake.playlist_uris(pid)
    first = document["items"][0]
    assert (first["name"], first["artists"], first["album"]) == (
        "Song 0",
        ["Artist 0", "Guest"],
        "Album 0",
    )
    assert first["added_at"] == fake.added(pid)[0][1] and first["is_local"] is False


def test_a_playlist_exports_as_csv_one_row_per_item(ada, fake):
    items = [*songs(fake, 3), fake.local('Home, "Demo"')]
    pid = fake.add_playlist("ada", "Mix", items)
    response = ada.get(f"/api/playlists/{pid}/export?format=csv")
    assert response.status == 200, response.raw
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].endswith(f'mix-{pid}.csv"')
    rows = list(csv.reader(io.StringIO(response.raw.decode("utf-8"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row[0] for row in rows[1:]] == fake.playlist_uris(pid)
    assert rows[1][2] == "Artist 0, Guest"
    assert (rows[4][1], rows[4][6]) == ('Home, "Demo"', "true")


def test_a_bad_export_format_is_a_400(ada, fake):
    pid = fake.add_playlist("ada", "Mix", songs(fake, 2))
    response = ada.get(f"/api/playlists/{pid}/export?format=xml")
    assert response.status == 400 and "json or csv" in response.json["error"]["message"]


def test_a_snapshot_exports_in_its_own_order_with_the_names_known_live(ada, fake):
    pid = fake.add_playlist("ada", "Mix", songs(fake, 5))
    version = fake.playlist_uris(pid)
    sid = ok(ada.post(f"/api/playlists/{pid}/snapshots", {"label": "mine"}), 201)["id"]
    ok(ada.put(f"/api/playlists/{pid}/tracks", {"track_uris": version[::-1][:4]}))
    response = ada.get(f"/api/snapshots/{sid}/export")
    assert response.status == 200, response.raw
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="mix-snapshot-{sid}.json"'
    )
    exported = response.json["items"]
    assert [i["uri"] for i in exported] == version
    # "Song 0" is no longer live: only its URI is known
    assert [i["name"] for i in exported] == [None, "Song 1", "Song 2", "Song 3", "Song 4"]


def test_export_all_is_a_zip_of_every_editable_playlist_read_once(ada, fake):
    pids = [fake.add_playlist("ada", f"List {n}", songs(fake, 500, f"L{n}")) for n in range(10)]
    fake.add_playlist("bo", "Followed", songs(fake, 3), followers=("ada",))
    user = User.get_by_id(ada.user_id)  # kept without reading: every page below is cold
    snapshots.keep(user, pids[0], fake.playlist_uris(pids[0]), "manual", "kept")
    fake.reset_calls()
    response = ada.get("/api/export")
    assert response.status == 200, response.raw
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="shuffify-')
    archive = zipfile.ZipFile(io.BytesIO(response.raw))
    names = sorted(archive.namelist())
    assert names == sorted(
        [*(f"list-{n}-{pid}.json" for n, pid in enumerate(pids)), "snapshots.json"]
    )
    for n, pid in enumerate(pids):
        document = json.loads(archive.read(f"list-{n}-{pid}.json"))
        assert [i["uri"] for i in document["items"]] == fake.playlist_uris(pid)
    kept = json.loads(archive.read("snapshots.json"))["snapshots"]
    assert [(s["label"], s["playlist_id"]) for s in kept] == [("kept", pids[0])]
    assert kept[0]["track_uris"] == fake.playlist_uris(pids[0])
    assert calls_by_kind(fake) == {"listing": 1, "pages": 10 * 10}  # no metadata calls


# --- Importing into a playlist ---------------------------------------------------------------


def test_a_json_import_makes_the_playlist_the_files_list_as_an_undoable_change(ada, fake):
    source = fake.add_playlist("ada", "Road trip", songs(fake, 8, "Road"))
    target = fake.add_playlist("ada", "Target", songs(fake, 6, "Old"))
    before = fake.playlist_uris(target)
    document = ok(ada.get(f"/api/playlists/{source}/export"))
    body = ok(ada.post(f"/api/playlists/{target}/import", document))
    assert {"changed", "track_uris", "snapshot_id", "history", "kept", "skipped"} <= set(body)
    assert body["track_uris"] == fake.playlist_uris(source) == fake.playlist_uris(target)
    assert (body["kept"], body["skipped"]) == ([], [])
    auto = PlaylistSnapshot.get(PlaylistSnapshot.playlist_id == target)
    assert (auto.kind, auto.label) == ("auto", "before import of 'Road trip'")
    assert ok(ada.post(f"/api/playlists/{target}/undo"))["track_uris"] == before
    assert fake.playlist_uris(target) == before


def test_an_exportify_csv_is_imported_in_its_row_order_skipping_what_cannot_be_added(ada, fake):
    catalog = songs(fake, 4, "Catalog")
    fake.catalog_add(*catalog)
    local = fake.local("Gone")
    target = fake.add_playlist("ada", "Target", songs(fake, 3, "Old"))
    rows = [
        EXPORTIFY_HEADER,
        f'"{catalog[2]["uri"]}","Catalog 2",,,,,,,,,,,,,,,,,',
        '"not a uri","Broken",,,,,,,,,,,,,,,,,',
        f'"{catalog[0]["uri"]}","Catalog 0",,,,,,,,,,,,,,,,,',
        f'"{local["uri"]}","Gone",,,,,,,,,,,,,,,,,',
        f'"{catalog[3]["uri"]}","Catalog 3",,,,,,,,,,,,,,,,,',
    ]
    data = ("\r\n".join(rows) + "\r\n").encode("utf-8")
    body = ok(upload(ada, f"/api/playlists/{target}/import", data, "Road_trip.csv"))
    expected = [catalog[i]["uri"] for i in (2, 0, 3)]
    assert body["track_uris"] == expected == fake.playlist_uris(target)
    skipped = body["skipped"]
    assert [(s["line"], s["uri"]) for s in skipped] == [(3, "not a uri"), (5, local["uri"])]
    assert skipped[1]["reason"] == LOCAL_REASON
    label = PlaylistSnapshot.get(PlaylistSnapshot.playlist_id == target).label
    assert label == "before import of 'Road trip'"


def test_a_file_that_is_no_export_is_a_400_naming_the_line_and_nothing_is_written(ada, fake):
    target = fake.add_playlist("ada", "Target", songs(fake, 3))
    before = fake.playlist_uris(target)
    fake.reset_calls()
    for data, line in ((b"title,artist\r\nA,B\r\n", "line 1"), (b'{"items": [', "line 1")):
        response = upload(ada, f"/api/playlists/{target}/import", data)
        assert response.status == 400, response.raw
        assert response.json["error"]["message"].startswith(line)
    assert writes(fake) == 0 and fake.playlist_uris(target) == before
    assert PlaylistSnapshot.select().count() == 0


def test_a_file_over_8_mb_is_a_413(ada, fake):
    target = fake.add_playlist("ada", "Target", songs(fake, 3))
    fake.reset_calls()
    big = b"uri\r\n" + b"x" * (8 * 1024 * 1024 + 1)
    response = upload(ada, f"/api/playlists/{target}/import", big)
    assert response.status == 413 and "8 MB" in response.json["error"]["message"]
    assert fake.calls == []


def test_importing_into_another_users_playlist_is_403(ada, fake):
    target = fake.add_playlist("bo", "Theirs", songs(fake, 3), followers=("ada",))
    before = fake.playlist_uris(target)
    data = b"uri,name,artists,album,duration_ms,added_at,is_local\r\n"
    data += b"spotify:track:" + b"a" * 22 + b",,,,,,\r\n"
    response = upload(ada, f"/api/playlists/{target}/import", data)
    assert response.status == 403, response.raw
    assert fake.playlist_uris(target) == before


def test_every_import_needs_the_csrf_token(ada, fake):
    target = fake.add_playlist("ada", "Target", songs(fake, 3))
    document = ok(ada.get(f"/api/playlists/{target}/export"))
    fake.reset_calls()
    for path in (f"/api/playlists/{target}/import", "/api/import"):
        assert ada.write("POST", path, document, csrf="wrong").status == 403
        assert upload(ada, path, json.dumps(document).encode(), csrf=False).status == 403
    assert fake.calls == []


def test_an_import_of_1000_items_into_a_playlist_costs_the_reads_and_fewest_writes(ada, fake):
    source = fake.add_playlist("ada", "Source", songs(fake, 1000, "New"))
    target = fake.add_playlist("ada", "Target", songs(fake, 1000, "Old"))
    document = ok(ada.get(f"/api/playlists/{source}/export"))
    fake.reset_calls()
    body = ok(ada.post(f"/api/playlists/{target}/import", document))
    assert body["track_uris"] == fake.playlist_uris(source) == fake.playlist_uris(target)
    assert calls_by_kind(fake) == {"metadata": 1, "pages": 20, "writes": 10}


# --- Importing as a new playlist -------------------------------------------------------------


def test_an_import_creates_a_private_playlist_named_after_the_file(ada, fake):
    source = fake.add_playlist("ada", "Road trip", songs(fake, 1000))
    document = ok(ada.get(f"/api/playlists/{source}/export"))
    fake.reset_calls()
    body = ok(ada.post("/api/import", document), 201)
    assert set(body) == {"playlist_id", "name", "item_count", "skipped"}
    assert (body["name"], body["item_count"], body["skipped"]) == ("Road trip", 1000, [])
    new = body["playlist_id"]
    assert fake.playlist_uris(new) == fake.playlist_uris(source)
    assert fake.details(new) == {
        "owner": "ada",
        "name": "Road trip",
        "description": "Imported with Shuffify",
        "public": False,
    }
    assert calls_by_kind(fake) == {"create": 1, "writes": 10}


def test_an_import_takes_a_name_and_skips_what_cannot_be_added(ada, fake):
    catalog = songs(fake, 2)
    fake.catalog_add(*catalog)
    local = fake.local("Demo")
    lines = ["uri,name,artists,album,duration_ms,added_at,is_local"]
    lines += [f"{uri},,,,,," for uri in (catalog[0]["uri"], local["uri"], catalog[1]["uri"])]
    data = ("\r\n".join(lines) + "\r\n").encode()
    response = upload(ada, "/api/import", data, "ignored.csv", fields={"name": "Näme"})
    body = ok(response, 201)
    assert (body["name"], body["item_count"]) == ("Näme", 2)
    assert body["skipped"] == [{"line": 3, "uri": local["uri"], "reason": LOCAL_REASON}]
    assert fake.playlist_uris(body["playlist_id"]) == [catalog[0]["uri"], catalog[1]["uri"]]
    assert fake.details(body["playlist_id"])["name"] == "Näme"


def test_a_10000_item_export_imported_back_keeps_its_order(ada, fake):
    items = songs(fake, 10_000)
    pid = fake.add_playlist("ada", "Everything", items)
    exported = ada.get(f"/api/playlists/{pid}/export?format=json")
    assert exported.status == 200 and len(exported.raw) > 512 * 1024  # beyond the body limit
    body = ok(upload(ada, "/api/import", exported.raw, "everything.json"), 201)
    assert body["item_count"] == 10_000 and body["name"] == "Everything"
    assert fake.playlist_uris(body["playlist_id"]) == fake.playlist_uris(pid)
    csv_file = ada.get(f"/api/playlists/{pid}/export?format=csv").raw
    again = ok(upload(ada, f"/api/playlists/{body['playlist_id']}/import", csv_file), 200)
    assert again["changed"] is False and again["track_uris"] == fake.playlist_uris(pid)
