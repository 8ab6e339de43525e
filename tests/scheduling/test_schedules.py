"""The schedules API (issue 12), in-process through the WSGI app, against the real HTTP fake
Spotify, on SQLite files and on real PostgreSQL, with a controllable clock. Covered:

- Create, list, get, PATCH and DELETE; the answers' next_run_at (an interval: now plus the
  interval; a cron expression: its next match in UTC).
- Validation of every field, each refusal naming the field: job_type, schedule_type,
  schedule_value (every interval name; 5-field cron only), target_playlist_id (a playlist
  the user can edit: 403 otherwise), source_playlist_ids (a raid needs its own sources or
  the target's upstream sources), algorithm_name and algorithm_params (checked against the
  algorithm's own parameters, naming the parameter), target_playlist_name, is_enabled and
  unknown fields.
- PATCH validates the merged schedule exactly as a create does and changes nothing on error;
  it keeps an interval's phase unless the timing changes.
- At most 5 schedules per user (409); DELETE takes the executions with it.
- POST .../run queues a run (202, a "queued" row) and calls Spotify not at all.
- Another user's schedule answers 404 on every route; the executions are paged newest first;
  every write without the CSRF token answers 403 and changes nothing.
"""

from datetime import datetime, timedelta

import pytest
from app_settings import T0
from direct import query
from wsgi_client import Client

from shuffify.models import JobExecution

INTERVALS = {
    "every_6h": timedelta(hours=6),
    "every_12h": timedelta(hours=12),
    "daily": timedelta(days=1),
    "every_3d": timedelta(days=3),
    "weekly": timedelta(weeks=1),
}
SCHEDULE_COLUMNS = (
    "id, user_id, job_type, target_playlist_id, target_playlist_name, source_playlist_ids, "
    "algorithm_name, algorithm_params, schedule_type, schedule_value, is_enabled, "
    "last_run_at, last_status, last_error, created_at, updated_at, next_run_at, "
    "consecutive_failures, lease_until"
)


@pytest.fixture
def ada(clock, sign_in):
    return sign_in("ada")


class Playlists:
    """Ada's target and source playlists, and one of Bob's she may not edit."""

    def __init__(self, fake):
        fake.add_user("bob", "Bob")
        tracks = [fake.track() for _ in range(6)]
        self.target = fake.add_playlist("ada", "Target", tracks[:3])
        self.other_target = fake.add_playlist("ada", "Other target", tracks[:2])
        self.source = fake.add_playlist("ada", "Source", tracks[2:])
        self.bobs = fake.add_playlist("bob", "Bob's", tracks[:2], public=True)


@pytest.fixture
def lists(fake_spotify, ada):
    return Playlists(fake_spotify)


def raid(lists: Playlists, **extra) -> dict:
    return {
        "job_type": "raid",
        "target_playlist_id": lists.target,
        "source_playlist_ids": [lists.source],
        "schedule_type": "interval",
        "schedule_value": "every_6h",
        **extra,
    }


def shuffle(lists: Playlists, **extra) -> dict:
    return {
        "job_type": "shuffle",
        "target_playlist_id": lists.target,
        "algorithm_name": "artist_spacing",
        "algorithm_params": {"min_spacing": 2},
        "schedule_type": "interval",
        "schedule_value": "daily",
        **extra,
    }


def assert_error(response, status: int, *words: str) -> str:
    """The app's JSON error with this status, its message naming every word; the message."""
    assert response.status == status, response.raw
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json["error"]["status"] == status
    message = response.json["error"]["message"]
    assert isinstance(message, str) and message
    for word in words:
        assert word in message, f"{word!r} not named in {message!r}"
    return message


def create(client, body: dict) -> dict:
    response = client.post("/api/schedules", body)
    assert response.status == 201, response.raw
    return response.json


def schedule_rows(db_url: str) -> list[tuple]:
    return query(db_url, f"SELECT {SCHEDULE_COLUMNS} FROM schedules ORDER BY id")


def execution_rows(db_url: str, schedule_id: int) -> list[tuple]:
    return query(
        db_url,
        "SELECT id, status, trigger FROM job_executions WHERE schedule_id = %s ORDER BY id",
        schedule_id,
    )


def iso(moment: datetime) -> str:
    return moment.isoformat()


# --- Create, read, change, delete ------------------------------------------------------------


def test_create_list_get_patch_and_delete_a_schedule(ada, lists, clock):
    created = create(ada, raid(lists, target_playlist_name="Fresh"))
    assert created["job_type"] == "raid"
    assert created["target_playlist_id"] == lists.target
    assert created["target_playlist_name"] == "Fresh"
    assert created["source_playlist_ids"] == [lists.source]
    assert created["algorithm_name"] is None
    assert created["schedule_type"] == "interval"
    assert created["schedule_value"] == "every_6h"
    assert created["is_enabled"] is True
    assert created["next_run_at"] == iso(T0 + timedelta(hours=6))
    assert created["last_run_at"] is None and created["last_status"] is None
    assert created["running"] is False
    assert "lease_until" not in created

    listing = ada.get("/api/schedules")
    assert listing.status == 200
    assert listing.json["limit"] == 5
    assert [s["id"] for s in listing.json["schedules"]] == [created["id"]]
    got = ada.get(f"/api/schedules/{created['id']}")
    assert got.status == 200 and got.json == created

    patched = ada.patch(f"/api/schedules/{created['id']}", {"target_playlist_name": "Renamed"})
    assert patched.status == 200, patched.raw
    assert patched.json["target_playlist_name"] == "Renamed"
    assert patched.json["source_playlist_ids"] == [lists.source]
    assert ada.get(f"/api/schedules/{created['id']}").json["target_playlist_name"] == "Renamed"

    deleted = ada.delete(f"/api/schedules/{created['id']}")
    assert deleted.status == 200 and deleted.json == {"deleted": True}
    assert ada.get("/api/schedules").json["schedules"] == []
    assert_error(ada.get(f"/api/schedules/{created['id']}"), 404)
    assert create(ada, raid(lists))["target_playlist_name"] == "Target"  # Spotify's name


def test_every_interval_name_is_accepted_and_next_run_is_now_plus_the_interval(ada, lists, clock):
    for name, interval in INTERVALS.items():
        created = create(ada, raid(lists, schedule_value=name))
        assert created["schedule_value"] == name
        assert created["next_run_at"] == iso(T0 + interval), name
        assert ada.delete(f"/api/schedules/{created['id']}").status == 200


def test_a_cron_expression_is_accepted_and_next_run_is_its_next_match_in_utc(ada, lists):
    for expression, next_match in [
        ("*/15 * * * *", datetime(2031, 3, 4, 10, 15)),
        ("0 3 * * *", datetime(2031, 3, 5, 3, 0)),  # 03:00 UTC tomorrow: today's has passed
        ("30 10 * * 2", datetime(2031, 3, 4, 10, 30)),  # 2031-03-04 is a Tuesday
        ("  5  0 * * *  ", datetime(2031, 3, 5, 0, 5)),
    ]:
        created = create(ada, raid(lists, schedule_type="cron", schedule_value=expression))
        assert created["schedule_type"] == "cron"
        assert created["schedule_value"] == " ".join(expression.split())
        assert created["next_run_at"] == iso(next_match), expression
        assert ada.delete(f"/api/schedules/{created['id']}").status == 200


def test_a_raid_without_own_sources_is_accepted_when_the_target_has_upstream_sources(ada, lists):
    added = ada.post(f"/api/playlists/{lists.target}/sources", {"source_playlist_id": lists.source})
    assert added.status == 201, added.raw
    without = raid(lists)
    del without["source_playlist_ids"]
    assert create(ada, without)["source_playlist_ids"] == []
    assert create(ada, raid(lists, source_playlist_ids=[]))["source_playlist_ids"] == []
    assert create(ada, {**without, "job_type": "raid_and_shuffle", "algorithm_name": "basic"})


def test_shuffle_and_raid_and_shuffle_schedules_keep_their_algorithm(ada, lists):
    created = create(ada, shuffle(lists))
    assert created["algorithm_name"] == "artist_spacing"
    assert created["algorithm_params"]["min_spacing"] == 2
    both = create(ada, raid(lists, job_type="raid_and_shuffle", algorithm_name="basic"))
    assert both["algorithm_name"] == "basic"
    assert both["source_playlist_ids"] == [lists.source]


# --- Validation ------------------------------------------------------------------------------


def invalid_creates(lists: Playlists) -> list[tuple[dict, int, tuple[str, ...]]]:
    """(body, status, words the message must name) for every refused create."""
    no_sources = raid(lists)
    del no_sources["source_playlist_ids"]
    no_job_type = raid(lists)
    del no_job_type["job_type"]
    no_target = raid(lists)
    del no_target["target_playlist_id"]
    return [
        (no_job_type, 400, ("job_type",)),
        (raid(lists, job_type="remix"), 400, ("job_type",)),
        (raid(lists, job_type=3), 400, ("job_type",)),
        (raid(lists, schedule_type="hourly"), 400, ("schedule_type",)),
        (raid(lists, schedule_value="every_2h"), 400, ("schedule_value",)),
        (raid(lists, schedule_value=6), 400, ("schedule_value",)),
        (raid(lists, schedule_type="cron", schedule_value="61 * * * *"), 400, ("schedule_value",)),
        (raid(lists, schedule_type="cron", schedule_value="0 0 * * * *"), 400, ("schedule_value",)),
        (raid(lists, schedule_type="cron", schedule_value="* * * *"), 400, ("schedule_value",)),
        (raid(lists, schedule_type="cron", schedule_value="daily"), 400, ("schedule_value",)),
        (no_target, 400, ("target_playlist_id",)),
        (raid(lists, target_playlist_id="not a playlist!"), 400, ("target_playlist_id",)),
        (raid(lists, target_playlist_id=lists.bobs), 403, ()),
        (raid(lists, target_playlist_name=""), 400, ("target_playlist_name",)),
        (raid(lists, target_playlist_name="x" * 256), 400, ("target_playlist_name",)),
        (raid(lists, source_playlist_ids=lists.source), 400, ("source_playlist_ids",)),
        (raid(lists, source_playlist_ids=["no good!"]), 400, ("source_playlist_ids",)),
        (no_sources, 400, ("source_playlist_ids",)),
        (raid(lists, source_playlist_ids=[]), 400, ("source_playlist_ids",)),
        (shuffle(lists, algorithm_name=None), 400, ("algorithm_name",)),
        ({**shuffle(lists), "algorithm_name": ""}, 400, ("algorithm_name",)),
        (shuffle(lists, algorithm_name="tempo_gradient"), 400, ("algorithm",)),
        (shuffle(lists, algorithm_params={"min_spacing": 0}), 400, ("min_spacing",)),
        (shuffle(lists, algorithm_params={"min_spacing": "two"}), 400, ("min_spacing",)),
        (shuffle(lists, algorithm_params={"bogus": 1}), 400, ("bogus",)),
        (
            shuffle(lists, algorithm_name="basic", algorithm_params={"keep_first": -1}),
            400,
            ("keep_first",),
        ),
        (raid(lists, job_type="raid_and_shuffle"), 400, ("algorithm_name",)),
        (raid(lists, is_enabled="yes"), 400, ("is_enabled",)),
        (raid(lists, colour="red"), 400, ("colour",)),
        (raid(lists, next_run_at="2031-03-04T10:00:00"), 400, ("next_run_at",)),
        (raid(lists, last_status="success"), 400, ("last_status",)),
    ]


def test_every_field_is_validated_and_a_refusal_names_it(ada, lists, db_url):
    for body, status, words in invalid_creates(lists):
        response = ada.post("/api/schedules", body)
        assert response.status == status, (body, response.raw)
        assert_error(response, status, *words)
    assert_error(ada.post("/api/schedules", ["raid"]), 400)
    not_json = ada.client.request(
        "POST",
        "/api/schedules",
        b"{not json",
        {"Content-Type": "application/json", "X-CSRF-Token": ada.csrf},
    )
    assert_error(not_json, 400)
    assert schedule_rows(db_url) == []


def test_algorithm_params_that_are_not_an_object_are_refused_naming_the_field(ada, lists):
    assert_error(
        ada.post("/api/schedules", shuffle(lists, algorithm_params=[1, 2])),
        400,
        "algorithm_params",
    )


def test_patch_validates_the_merged_schedule_and_changes_nothing_on_error(
    ada, lists, db_url, clock
):
    raider = create(ada, raid(lists))
    timed = create(ada, raid(lists, schedule_type="cron", schedule_value="*/15 * * * *"))
    shuffler = create(ada, shuffle(lists))
    refusals = [
        (raider, {"job_type": "shuffle"}, 400, ("algorithm_name",)),
        (raider, {"job_type": "raid_and_shuffle"}, 400, ("algorithm_name",)),
        (raider, {"source_playlist_ids": []}, 400, ("source_playlist_ids",)),
        (raider, {"source_playlist_ids": None}, 400, ("source_playlist_ids",)),
        (raider, {"schedule_type": "cron"}, 400, ("schedule_value",)),
        (raider, {"schedule_value": "*/15 * * * *"}, 400, ("schedule_value",)),
        (raider, {"target_playlist_id": lists.bobs}, 403, ()),
        (raider, {"target_playlist_id": "nope!"}, 400, ("target_playlist_id",)),
        (raider, {"is_enabled": "no"}, 400, ("is_enabled",)),
        (raider, {"colour": "red", "target_playlist_name": "New"}, 400, ("colour",)),
        (raider, {"next_run_at": "2031-03-04T10:00:00"}, 400, ("next_run_at",)),
        (timed, {"schedule_value": "61 * * * *"}, 400, ("schedule_value",)),
        (timed, {"schedule_value": "0 0 1 1 * 2031"}, 400, ("schedule_value",)),
        (timed, {"schedule_type": "interval"}, 400, ("schedule_value",)),
        (shuffler, {"algorithm_name": None}, 400, ("algorithm_name",)),
        (shuffler, {"algorithm_params": {"min_spacing": 11}}, 400, ("min_spacing",)),
        (shuffler, {"algorithm_name": "basic"}, 400, ("min_spacing",)),  # merged params
        (shuffler, {"schedule_value": "every_2h"}, 400, ("schedule_value",)),
    ]
    clock.now = T0 + timedelta(minutes=5)
    before = schedule_rows(db_url)
    for schedule, body, status, words in refusals:
        response = ada.patch(f"/api/schedules/{schedule['id']}", body)
        assert response.status == status, (body, response.raw)
        assert_error(response, status, *words)
        assert schedule_rows(db_url) == before, body
    for schedule in (raider, timed, shuffler):
        assert ada.get(f"/api/schedules/{schedule['id']}").json == schedule


def test_patch_accepts_what_makes_a_valid_whole_and_keeps_the_phase(ada, lists, clock):
    created = create(ada, raid(lists))  # every_6h: due at T0 + 6 h
    url = f"/api/schedules/{created['id']}"
    clock.now = T0 + timedelta(hours=1)

    renamed = ada.patch(url, {"target_playlist_name": "Renamed", "source_playlist_ids": []})
    assert renamed.status == 400  # no sources and no upstream sources: still refused
    renamed = ada.patch(url, {"target_playlist_name": "Renamed"})
    assert renamed.status == 200, renamed.raw
    assert renamed.json["next_run_at"] == iso(T0 + timedelta(hours=6))  # the phase stays

    shuffled = ada.patch(url, {"job_type": "raid_and_shuffle", "algorithm_name": "basic"})
    assert shuffled.status == 200, shuffled.raw
    assert shuffled.json["job_type"] == "raid_and_shuffle"
    assert shuffled.json["source_playlist_ids"] == [lists.source]
    assert shuffled.json["next_run_at"] == iso(T0 + timedelta(hours=6))

    daily = ada.patch(url, {"schedule_value": "daily"})
    assert daily.json["next_run_at"] == iso(clock.now + timedelta(days=1))

    cron = ada.patch(url, {"schedule_type": "cron", "schedule_value": "*/15 * * * *"})
    assert cron.status == 200, cron.raw
    assert cron.json["next_run_at"] == iso(datetime(2031, 3, 4, 11, 15))

    off = ada.patch(url, {"is_enabled": False})
    assert off.json["is_enabled"] is False and off.json["next_run_at"] is None
    clock.now = T0 + timedelta(hours=2)
    on = ada.patch(url, {"is_enabled": True})
    assert on.json["is_enabled"] is True
    assert on.json["next_run_at"] == iso(datetime(2031, 3, 4, 12, 15))

    retarget = ada.patch(url, {"target_playlist_id": lists.other_target})
    assert retarget.status == 200, retarget.raw
    assert retarget.json["target_playlist_id"] == lists.other_target


def test_the_sixth_schedule_answers_409_and_is_not_stored(
    ada, lists, db_url, sign_in, fake_spotify
):
    made = [create(ada, raid(lists)) for _ in range(3)]
    made += [create(ada, shuffle(lists)), create(ada, shuffle(lists, is_enabled=False))]
    assert_error(ada.post("/api/schedules", raid(lists)), 409, "5")
    assert len(schedule_rows(db_url)) == 5
    assert ada.delete(f"/api/schedules/{made[0]['id']}").status == 200
    create(ada, raid(lists))
    assert len(ada.get("/api/schedules").json["schedules"]) == 5
    bob = sign_in("bob")  # the limit is per user
    source = fake_spotify.add_playlist("bob", "Bob's source", [fake_spotify.track()])
    create(
        bob, {"job_type": "raid", "target_playlist_id": lists.bobs, "source_playlist_ids": [source]}
    )


def test_delete_removes_the_schedules_executions_too(ada, lists, db_url):
    doomed = create(ada, raid(lists))
    kept = create(ada, raid(lists))
    for schedule in (doomed, doomed, kept):
        assert ada.post(f"/api/schedules/{schedule['id']}/run").status == 202
    JobExecution.create(schedule=doomed["id"], status="success", trigger="schedule")
    assert len(execution_rows(db_url, doomed["id"])) == 3
    assert ada.delete(f"/api/schedules/{doomed['id']}").status == 200
    assert execution_rows(db_url, doomed["id"]) == []
    assert len(execution_rows(db_url, kept["id"])) == 1
    assert [row[0] for row in schedule_rows(db_url)] == [kept["id"]]


# --- Run now ---------------------------------------------------------------------------------


def test_run_now_queues_a_run_answering_202_and_calls_no_spotify(ada, lists, fake_spotify, db_url):
    for enabled in (True, False):
        run_now_queues(ada, lists, fake_spotify, db_url, enabled)


def run_now_queues(ada, lists, fake_spotify, db_url, enabled: bool) -> None:
    schedule = create(ada, raid(lists, is_enabled=enabled))
    calls = len(fake_spotify.calls)
    response = ada.post(f"/api/schedules/{schedule['id']}/run")
    assert response.status == 202, response.raw
    execution_id = response.json["execution_id"]
    assert isinstance(execution_id, int)
    assert response.json["status"] == "queued"
    assert len(fake_spotify.calls) == calls
    assert execution_rows(db_url, schedule["id"]) == [(execution_id, "queued", "manual")]
    page = ada.get(f"/api/schedules/{schedule['id']}/executions").json
    assert [(e["id"], e["status"]) for e in page["executions"]] == [(execution_id, "queued")]
    after = ada.get(f"/api/schedules/{schedule['id']}").json
    assert after["is_enabled"] is enabled
    assert after["last_status"] is None


# --- Another user's schedule -----------------------------------------------------------------


def test_another_users_schedule_answers_404_on_every_route(
    spotify_app, ada, lists, sign_in, db_url
):
    schedule = create(ada, raid(lists))
    assert ada.post(f"/api/schedules/{schedule['id']}/run").status == 202
    bob = sign_in("bob")
    url = f"/api/schedules/{schedule['id']}"
    before = (schedule_rows(db_url), execution_rows(db_url, schedule["id"]))
    assert_error(bob.get(url), 404)
    assert_error(bob.patch(url, {"target_playlist_name": "Mine now"}), 404)
    assert_error(bob.patch(url, {"colour": "red"}), 404)
    assert_error(bob.delete(url), 404)
    assert_error(bob.post(f"{url}/run"), 404)
    assert_error(bob.get(f"{url}/executions"), 404)
    assert_error(bob.get(f"{url}/executions?limit=0"), 404)
    assert bob.get("/api/schedules").json["schedules"] == []
    assert (schedule_rows(db_url), execution_rows(db_url, schedule["id"])) == before
    missing = f"/api/schedules/{schedule['id'] + 1000}"
    assert_error(ada.get(missing), 404)
    assert_error(ada.patch(missing, {"target_playlist_name": "x"}), 404)
    assert_error(ada.delete(missing), 404)
    assert_error(ada.post(f"{missing}/run"), 404)
    assert_error(ada.get(f"{missing}/executions"), 404)
    anonymous = Client(spotify_app)
    assert_error(anonymous.get("/api/schedules"), 401)
    assert_error(anonymous.get(url), 401)
    assert_error(anonymous.get(f"{url}/executions"), 401)


# --- Executions, paged -----------------------------------------------------------------------


def test_executions_are_paged_newest_first(ada, lists):
    schedule = create(ada, raid(lists))
    url = f"/api/schedules/{schedule['id']}/executions"
    ids = [ada.post(f"/api/schedules/{schedule['id']}/run").json["execution_id"] for _ in range(7)]
    newest_first = ids[::-1]

    everything = ada.get(url)
    assert everything.status == 200
    assert [e["id"] for e in everything.json["executions"]] == newest_first
    assert everything.json["next_before"] is None

    pages, before = [], None
    while True:
        page = ada.get(f"{url}?limit=3" + (f"&before={before}" if before else ""))
        assert page.status == 200, page.raw
        pages.append([e["id"] for e in page.json["executions"]])
        before = page.json["next_before"]
        if before is None:
            break
    assert pages == [newest_first[:3], newest_first[3:6], newest_first[6:]]
    assert [e["id"] for e in ada.get(f"{url}?before={ids[3]}").json["executions"]] == ids[2::-1]
    assert len(ada.get(f"{url}?limit=100").json["executions"]) == 7
    assert len(ada.get(f"{url}?limit=1").json["executions"]) == 1


def test_bad_paging_parameters_answer_400_naming_them(ada, lists):
    schedule = create(ada, raid(lists))
    for params, field in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-1", "limit"),
        ("limit=ten", "limit"),
        ("limit=2.5", "limit"),
        ("before=abc", "before"),
        ("before=0", "before"),
    ]:
        assert_error(ada.get(f"/api/schedules/{schedule['id']}/executions?{params}"), 400, field)


# --- CSRF --------------------------------------------------------------------------------------


def test_every_write_without_the_csrf_token_answers_403_and_changes_nothing(
    ada, lists, db_url, fake_spotify
):
    schedule = create(ada, raid(lists))
    url = f"/api/schedules/{schedule['id']}"
    before = (schedule_rows(db_url), execution_rows(db_url, schedule["id"]))
    calls = len(fake_spotify.calls)
    for method, path, body in [
        ("POST", "/api/schedules", raid(lists)),
        ("PATCH", url, {"target_playlist_name": "Changed"}),
        ("DELETE", url, None),
        ("POST", f"{url}/run", None),
    ]:
        for token in ("", "wrong-token"):  # none, and one that is not this session's
            assert_error(ada.write(method, path, body, csrf=token), 403, "CSRF")
    assert (schedule_rows(db_url), execution_rows(db_url, schedule["id"])) == before
    assert len(fake_spotify.calls) == calls
