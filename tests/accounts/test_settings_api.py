"""User settings (issue 23): GET and PATCH /api/settings, and each setting doing what it says.

On SQLite and PostgreSQL against the fake Spotify. Covered: the defaults; a PATCH changes
only the fields it names and a bad one is a 400 naming it (nothing changed), unknown
fields too; auto_snapshots_kept prunes a playlist's automatic snapshots to that number;
keep_added_dates is the default of shuffle, save and undo when the request does not say
(and the request still wins); default_algorithm is preselected by the dashboard and the
new-schedule form (tests/web/test_browser_schedules_defaults.py in a browser); theme and
timezone reach every page as attributes of <html>; timezone is the zone cron schedules run
in (a change moves their next run); a settings change is an activity row.
"""

import html
import json
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

DEFAULTS = {
    "default_algorithm": None,
    "default_params": None,
    "keep_added_dates": False,
    "auto_snapshots_kept": 30,
    "timezone": "UTC",
    "theme": "system",
}


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


def ok(response, status: int = 200):
    assert response.status == status, response.raw
    return response.json


def new_playlist(fake, count: int = 40) -> str:
    songs = [fake.track(f"Song {i}", artists=(f"Artist {i % 5}",)) for i in range(count)]
    return fake.add_playlist("ada", "Mix", songs)


def dates(fake, pid: str) -> dict:
    return {uri: added_at for uri, added_at, _ in fake.added(pid)}


def test_a_new_user_has_the_defaults(ada):
    assert ok(ada.get("/api/settings"))["settings"] == DEFAULTS


def test_a_patch_changes_only_the_fields_it_names(ada):
    ok(ada.patch("/api/settings", {"theme": "dark"}))
    changed = ok(ada.patch("/api/settings", {"timezone": "Europe/Paris"}))["settings"]
    assert changed == {**DEFAULTS, "theme": "dark", "timezone": "Europe/Paris"}
    assert ok(ada.get("/api/settings"))["settings"] == changed


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("keep_added_dates", "yes"),
        ("auto_snapshots_kept", 0),
        ("auto_snapshots_kept", 201),
        ("auto_snapshots_kept", True),
        ("timezone", "Mars/Olympus"),
        ("timezone", "../etc/passwd"),
        ("theme", "pink"),
        ("default_algorithm", "nope"),
        ("default_params", {"nope": 1}),
    ],
)
def test_a_bad_value_is_a_400_naming_its_field_and_changes_nothing(ada, field, value):
    body = {"timezone": "Asia/Tokyo"} if field != "timezone" else {"theme": "dark"}
    body[field] = value
    if field == "default_params":
        body["default_algorithm"] = "basic"
    refused = ada.patch("/api/settings", body)
    assert refused.status == 400, refused.raw
    assert field in refused.json["error"]["message"]
    assert ok(ada.get("/api/settings"))["settings"] == DEFAULTS


def test_unknown_fields_are_a_400_naming_them(ada):
    refused = ada.patch("/api/settings", {"colour": "red", "font": "x", "theme": "dark"})
    assert refused.status == 400
    assert "colour" in refused.json["error"]["message"]
    assert "font" in refused.json["error"]["message"]
    assert ok(ada.get("/api/settings"))["settings"]["theme"] == "system"


def test_default_params_are_checked_against_the_algorithm_and_stored_with_defaults(ada):
    algorithms = ok(ada.get("/api/algorithms"))["algorithms"]
    spacing = next(a for a in algorithms if a["name"] == "artist_spacing")
    settings = ok(ada.patch("/api/settings", {"default_algorithm": "artist_spacing"}))["settings"]
    assert settings["default_algorithm"] == "artist_spacing"
    assert set(settings["default_params"]) == {p["name"] for p in spacing["parameters"]}


def test_auto_snapshots_kept_prunes_each_playlist_to_that_number(ada, fake_spotify):
    pid = new_playlist(fake_spotify)
    ok(ada.patch("/api/settings", {"auto_snapshots_kept": 3}))
    for _ in range(6):
        assert ok(ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}))["changed"]
    listed = ok(ada.get(f"/api/playlists/{pid}/snapshots"))["snapshots"]
    assert [s["kind"] for s in listed] == ["auto"] * 3


def test_keep_added_dates_is_the_default_of_shuffle_and_undo(ada, fake_spotify):
    pid = new_playlist(fake_spotify)
    before = dates(fake_spotify, pid)
    ok(ada.patch("/api/settings", {"keep_added_dates": True}))
    assert ok(ada.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic"}))["changed"]
    assert dates(fake_spotify, pid) == before
    assert ok(ada.post(f"/api/playlists/{pid}/undo"))["changed"]
    assert dates(fake_spotify, pid) == before


def test_keep_added_dates_is_the_default_of_a_workshop_save(ada, fake_spotify):
    pid = new_playlist(fake_spotify)
    before = dates(fake_spotify, pid)
    ok(ada.patch("/api/settings", {"keep_added_dates": True}))
    uris = list(reversed(fake_spotify.playlist_uris(pid)))
    ok(ada.put(f"/api/playlists/{pid}/tracks", {"track_uris": uris}))
    assert fake_spotify.playlist_uris(pid) == uris
    assert dates(fake_spotify, pid) == before


def test_the_request_still_wins_over_keep_added_dates(ada, fake_spotify):
    pid = new_playlist(fake_spotify)
    before = dates(fake_spotify, pid)
    ok(ada.patch("/api/settings", {"keep_added_dates": True}))
    body = {"algorithm": "basic", "keep_added_dates": False}
    assert ok(ada.post(f"/api/playlists/{pid}/shuffle", body))["changed"]
    assert dates(fake_spotify, pid) != before


def test_default_algorithm_is_preselected_on_the_dashboard(ada):
    ok(ada.patch("/api/settings", {"default_algorithm": "album_sequence"}))
    page = ada.get("/").raw.decode()
    assert 'data-default-algorithm="album_sequence"' in page


def test_default_algorithm_is_preselected_in_new_schedules(ada):
    body = {"default_algorithm": "artist_spacing", "default_params": {"min_spacing": 4}}
    ok(ada.patch("/api/settings", body))
    page = ada.get("/schedules").raw.decode()
    assert 'data-default-algorithm="artist_spacing"' in page
    [params] = re.findall(r'data-default-params="([^"]*)"', page)
    assert json.loads(html.unescape(params))["min_spacing"] == 4


@pytest.mark.parametrize("path", ["/", "/settings", "/activity", "/schedules", "/privacy"])
def test_theme_and_timezone_reach_every_page(ada, path):
    ok(ada.patch("/api/settings", {"theme": "dark", "timezone": "Asia/Tokyo"}))
    page = ada.get(path).raw.decode()
    assert '<html lang="en" data-theme="dark" data-timezone="Asia/Tokyo">' in page


def test_timezone_is_the_zone_cron_schedules_run_in(ada, fake_spotify):
    body = {
        "job_type": "shuffle",
        "target_playlist_id": new_playlist(fake_spotify, 2),
        "algorithm_name": "basic",
        "schedule_type": "cron",
        "schedule_value": "0 9 * * *",
    }
    created = ok(ada.post("/api/schedules", body), 201)
    assert created["timezone"] == "UTC"
    asked = datetime.now(UTC).replace(tzinfo=None)
    ok(ada.patch("/api/settings", {"timezone": "Asia/Tokyo"}))
    moved = ok(ada.get(f"/api/schedules/{created['id']}"))
    assert moved["timezone"] == "Asia/Tokyo"
    next_run = datetime.fromisoformat(moved["next_run_at"])
    assert next_run > asked and moved["next_run_at"] != created["next_run_at"]
    tokyo = next_run.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Tokyo"))
    assert (tokyo.hour, tokyo.minute) == (9, 0)


def test_a_settings_change_is_an_activity_row(ada):
    ok(ada.patch("/api/settings", {"theme": "light"}))
    [row] = [r for r in ok(ada.get("/api/activity"))["items"] if r["kind"] == "settings"]
    assert row["summary"] == "Changed theme" and row["by"] == "you"
