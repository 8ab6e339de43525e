"""Rules through the API against the fake Spotify, on SQLite and PostgreSQL (issue 21).

Runs are queued by POST /api/rules/<rid>/run and done by Runner.run_pending(),
called by the test; scheduled ones through a "rule" schedule.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from signed_in import SignedIn, follow_authorize
from wsgi_client import Client

from shuffify import database
from shuffify.scheduling.runner import Runner

LEASE_S = 300


@pytest.fixture
def ada(clock, sign_in):
    return sign_in("ada")


@pytest.fixture
def runner(spotify_app):
    return Runner(spotify_app.config["shuffify.services"], database.db.obj, 1, LEASE_S)


def tracks(fake, n: int, **kw) -> list[dict]:
    return [fake.track(**kw) for _ in range(n)]


def uris(items: list[dict]) -> list[str]:
    return [item["uri"] for item in items]


def create(client, body: dict) -> dict:
    response = client.post("/api/rules", body)
    assert response.status == 201, response.raw
    return response.json


def run_once(client, runner, rule_id: int) -> dict:
    queued = client.post(f"/api/rules/{rule_id}/run")
    assert queued.status == 202, queued.raw
    assert runner.run_pending() >= 1
    newest = client.get(f"/api/rules/{rule_id}/runs").json["runs"][0]
    assert newest["id"] == queued.json["run_id"]
    return newest


def test_two_sources_dedupe_exclude_limit_replace_give_exactly_the_expected_target(
    ada, fake_spotify, runner
):
    a, b, c = tracks(fake_spotify, 3), tracks(fake_spotify, 3), tracks(fake_spotify, 2)
    first = fake_spotify.add_playlist("ada", "A", [*a, b[0]])
    second = fake_spotify.add_playlist("ada", "B", b)
    excluded = fake_spotify.add_playlist("ada", "Not these", [a[1]])
    target = fake_spotify.add_playlist("ada", "Target", c)
    rule = create(
        ada,
        {
            "name": "Mix",
            "target_playlist_id": target,
            "sources": [
                {"type": "playlist", "playlist_id": first},
                {"type": "playlist", "playlist_id": f"spotify:playlist:{second}"},
            ],
            "filters": [
                {"type": "dedupe", "match": "exact"},
                {"type": "exclude_playlist", "playlist_id": excluded},
                {"type": "limit", "count": 4},
            ],
            "sink": {"mode": "replace"},
        },
    )
    expected = [a[0]["uri"], a[2]["uri"], b[0]["uri"], b[1]["uri"]]
    writes_before = fake_spotify.count("PUT") + fake_spotify.count("POST")
    preview = ada.post(f"/api/rules/{rule['id']}/preview")
    assert preview.status == 200, preview.raw
    assert preview.json["track_uris"] == expected
    assert preview.json["added"] == expected and preview.json["removed"] == uris(c)
    assert [s["items"] for s in preview.json["sources"]] == [4, 3]
    assert preview.json["calls_estimate"] >= 1
    assert fake_spotify.count("PUT") + fake_spotify.count("POST") == writes_before
    assert fake_spotify.playlist_uris(target) == uris(c), "a preview wrote"
    done = run_once(ada, runner, rule["id"])
    assert (done["status"], done["added"], done["removed"], done["total"]) == ("success", 4, 2, 4)
    assert fake_spotify.playlist_uris(target) == expected


def test_append_new_over_two_runs_adds_only_what_is_new(ada, fake_spotify, runner):
    old, new = tracks(fake_spotify, 2), tracks(fake_spotify, 2)
    source = fake_spotify.add_playlist("ada", "S", old)
    target = fake_spotify.add_playlist("ada", "T", [old[0]])
    rule = create(ada, _simple(target, source, {"mode": "append_new"}))
    assert run_once(ada, runner, rule["id"])["added"] == 1
    assert fake_spotify.playlist_uris(target) == uris(old)
    fake_spotify.append_items(source, new)
    assert run_once(ada, runner, rule["id"])["added"] == 2
    assert fake_spotify.playlist_uris(target) == uris(old + new)


def test_drip_adds_at_most_count_per_run_in_order(ada, fake_spotify, runner):
    items = tracks(fake_spotify, 5)
    source = fake_spotify.add_playlist("ada", "S", items)
    target = fake_spotify.add_playlist("ada", "T", [])
    rule = create(ada, _simple(target, source, {"mode": "drip", "count": 2}))
    run_once(ada, runner, rule["id"])
    assert fake_spotify.playlist_uris(target) == uris(items[:2])
    run_once(ada, runner, rule["id"])
    assert fake_spotify.playlist_uris(target) == uris(items[:4])


def test_inbox_stages_accept_appends_dismiss_is_never_proposed_again(ada, fake_spotify, runner):
    items = tracks(fake_spotify, 3)
    source = fake_spotify.add_playlist("ada", "S", items)
    target = fake_spotify.add_playlist("ada", "T", [])
    rule = create(ada, _simple(target, source, {"mode": "inbox"}))
    run_once(ada, runner, rule["id"])
    assert fake_spotify.playlist_uris(target) == []
    inbox = ada.get(f"/api/rules/{rule['id']}/inbox").json["items"]
    assert [i["uri"] for i in inbox] == uris(items) and inbox[0]["source"] == 0
    accepted = ada.post(f"/api/rules/{rule['id']}/inbox/accept", {"uris": [items[0]["uri"]]})
    assert accepted.status == 200, accepted.raw
    dismissed = ada.post(f"/api/rules/{rule['id']}/inbox/dismiss", {"uris": [items[1]["uri"]]})
    assert dismissed.json["dismissed"] == [items[1]["uri"]]
    assert fake_spotify.playlist_uris(target) == [items[0]["uri"]]
    run_once(ada, runner, rule["id"])  # the second run proposes nothing it proposed before
    left = ada.get(f"/api/rules/{rule['id']}/inbox").json["items"]
    assert [i["uri"] for i in left] == [items[2]["uri"]]
    assert fake_spotify.playlist_uris(target) == [items[0]["uri"]]


def test_max_size_removes_the_oldest_into_the_archive(ada, fake_spotify, runner):
    held, new = tracks(fake_spotify, 3), tracks(fake_spotify, 2)
    target = fake_spotify.add_playlist("ada", "T", held)
    source = fake_spotify.add_playlist("ada", "S", new)
    archive = fake_spotify.add_playlist("ada", "Archive", [])
    sink = {"mode": "append_new", "max_size": 3, "archive_playlist_id": archive}
    rule = create(ada, _simple(target, source, sink))
    done = run_once(ada, runner, rule["id"])
    assert (done["status"], done["added"], done["removed"]) == ("success", 2, 2), done
    assert fake_spotify.playlist_uris(target) == [held[2]["uri"], *uris(new)]
    assert fake_spotify.playlist_uris(archive) == uris(held[:2])


def test_the_archive_must_be_another_playlist_than_the_target(ada, fake_spotify):
    source = fake_spotify.add_playlist("ada", "S", tracks(fake_spotify, 2))
    target = fake_spotify.add_playlist("ada", "T", [])
    sink = {"mode": "replace", "max_size": 1, "archive_playlist_id": f"spotify:playlist:{target}"}
    refused = ada.post("/api/rules", _simple(target, source, sink))
    assert refused.status == 400
    assert refused.json["error"]["message"].startswith("sink.archive_playlist_id: ")
    assert ada.get("/api/rules").json["rules"] == []


def test_a_withheld_source_is_reported_and_the_rest_used(ada, fake_spotify, runner):
    mine, theirs = tracks(fake_spotify, 2), tracks(fake_spotify, 2)
    fake_spotify.add_user("bob", "Bob")
    other = fake_spotify.add_playlist("bob", "Bob's", theirs, followers=("ada",))
    source = fake_spotify.add_playlist("ada", "S", mine)
    target = fake_spotify.add_playlist("ada", "T", [])
    body = _simple(target, source, {"mode": "replace"})
    body["sources"].insert(0, {"type": "playlist", "playlist_id": other})
    rule = create(ada, body)
    preview = ada.post(f"/api/rules/{rule['id']}/preview").json
    assert preview["sources"][0]["items"] == 0 and "details" in preview["sources"][0]["reason"]
    assert preview["sources"][1] == {"index": 1, "items": 2}
    done = run_once(ada, runner, rule["id"])
    assert done["status"] == "success" and done["message"].startswith("source 1: ")
    assert fake_spotify.playlist_uris(target) == uris(mine)


def test_liked_songs_by_when_liked_and_403_without_the_scope(ada, fake_spotify, runner):
    recent, old = tracks(fake_spotify, 2), tracks(fake_spotify, 1)
    fake_spotify.like("ada", old, added_at="2020-01-01T00:00:00Z")
    fake_spotify.like("ada", recent)
    target = fake_spotify.add_playlist("ada", "T", [])
    body = {
        "name": "Recent likes",
        "target_playlist_id": target,
        "sources": [{"type": "liked"}],
        "filters": [{"type": "added_within_days", "days": 30}],
    }
    response = ada.post("/api/rules/preview", body)
    assert response.status == 200, response.raw
    assert sorted(response.json["track_uris"]) == sorted(uris(recent))
    fake_spotify.drop_scope("ada", "user-library-read")
    refused = ada.post("/api/rules", body)
    assert refused.status == 403
    assert "sign in again to let Shuffify read your Liked Songs" in refused.raw.decode()


def test_search_source_reads_pages_of_ten(ada, fake_spotify):
    found = [fake_spotify.track(name=f"Zebra song {n}") for n in range(25)]
    fake_spotify.catalog_add(*found)
    target = fake_spotify.add_playlist("ada", "T", [])
    body = {
        "name": "Zebras",
        "target_playlist_id": target,
        "sources": [{"type": "search", "query": "zebra", "limit": 23}],
    }
    fake_spotify.reset_calls()
    preview = ada.post("/api/rules/preview", body)
    assert preview.status == 200, preview.raw
    assert len(preview.json["track_uris"]) == 23
    assert fake_spotify.count("GET", r"^/v1/search$") == 3


def test_bad_steps_are_refused_naming_the_place(ada, fake_spotify):
    target = fake_spotify.add_playlist("ada", "T", [])
    source = fake_spotify.add_playlist("ada", "S", [])
    body = _simple(target, source, {"mode": "replace"})
    body["filters"] = [
        {"type": "dedupe"},
        {"type": "limit", "count": 2},
        {"type": "added_within_days", "days": 0},
    ]
    response = ada.post("/api/rules", body)
    assert response.status == 400
    assert "filters[2].days: must be a whole number from 1 to 3650" in response.raw.decode()
    unknown = ada.post("/api/rules", {**_simple(target, source, {"mode": "replace"}), "x": 1})
    assert unknown.status == 400
    assert unknown.json["error"]["message"] == 'unknown field "x"'


def test_another_users_rule_is_404_and_a_target_not_editable_403(ada, sign_in, fake_spotify):
    target = fake_spotify.add_playlist("ada", "T", [])
    source = fake_spotify.add_playlist("ada", "S", [])
    rule = create(ada, _simple(target, source, {"mode": "replace"}))
    bob = sign_in("bob")
    assert bob.get(f"/api/rules/{rule['id']}").status == 404
    assert bob.write("DELETE", f"/api/rules/{rule['id']}").status == 404
    assert bob.post("/api/rules", _simple(target, source, {"mode": "replace"})).status == 403
    changed = ada.put(f"/api/rules/{rule['id']}", {"name": "Renamed"})
    assert changed.status == 200 and changed.json["name"] == "Renamed"
    assert changed.json["sources"] == [{"type": "playlist", "playlist_id": source}]
    assert ada.get("/api/rule-steps").json["limits"] == {"sources": 10, "filters": 20}


def test_deleting_the_account_removes_the_rules(ada, fake_spotify, runner, db_url):
    from direct import query

    target = fake_spotify.add_playlist("ada", "T", [])
    source = fake_spotify.add_playlist("ada", "S", tracks(fake_spotify, 1))
    rule = create(ada, _simple(target, source, {"mode": "inbox"}))
    run_once(ada, runner, rule["id"])
    assert query(db_url, "SELECT COUNT(*) FROM rule_inbox") == [(1,)]
    assert ada.write("DELETE", "/api/me").status in (200, 204)
    for table in ("rules", "rule_runs", "rule_inbox"):
        assert query(db_url, f"SELECT COUNT(*) FROM {table}") == [(0,)]


def test_an_unchanged_scheduled_run_is_skipped_with_only_metadata_calls(
    ada, fake_spotify, runner, clock
):
    items = tracks(fake_spotify, 3)
    sources = [fake_spotify.add_playlist("ada", f"S{n}", items[n:]) for n in range(2)]
    target = fake_spotify.add_playlist("ada", "T", [])
    body = _simple(target, sources[0], {"mode": "append_new"})
    body["sources"].append({"type": "playlist", "playlist_id": sources[1]})
    rule = create(ada, body)
    schedule = ada.post(
        "/api/schedules",
        {"job_type": "rule", "rule_id": rule["id"], "schedule_value": "every_6h"},
    )
    assert schedule.status == 201, schedule.raw
    assert schedule.json["target_playlist_id"] == target
    clock.now += timedelta(hours=6, seconds=1)
    assert runner.run_pending() == 1
    assert fake_spotify.playlist_uris(target) == uris(items)
    fake_spotify.reset_calls()
    clock.now += timedelta(hours=6)
    assert runner.run_pending() == 1
    runs = ada.get(f"/api/rules/{rule['id']}/runs").json["runs"]
    assert [(r["trigger"], r["status"]) for r in runs] == [
        ("schedule", "skipped"),
        ("schedule", "success"),
    ]
    assert runs[0]["message"] == "nothing changed"
    paths = sorted(call.path for call in fake_spotify.calls if call.path.startswith("/v1/"))
    assert paths == sorted(f"/v1/playlists/{p}" for p in [target, *sources])
    executions = ada.get(f"/api/schedules/{schedule.json['id']}/executions").json["executions"]
    assert [e["status"] for e in executions] == ["success", "success"]


def _simple(target: str, source: str, sink: dict) -> dict:
    return {
        "name": "Rule",
        "target_playlist_id": target,
        "sources": [{"type": "playlist", "playlist_id": source}],
        "sink": sink,
    }


def test_a_run_of_three_sources_of_500_costs_the_minimum_calls(ada, fake_spotify, runner):
    """Minimum: per source 1 metadata + 10 pages of 50; target metadata + 1 page; writes of
    100 (a 1,500-item replace of an empty target: 15 appends)."""
    sources = [
        fake_spotify.add_playlist("ada", f"S{n}", tracks(fake_spotify, 500)) for n in range(3)
    ]
    target = fake_spotify.add_playlist("ada", "T", [])
    body = _simple(target, sources[0], {"mode": "replace"})
    body["sources"] += [{"type": "playlist", "playlist_id": s} for s in sources[1:]]
    rule = create(ada, body)
    fake_spotify.reset_calls()
    assert run_once(ada, runner, rule["id"])["total"] == 1500
    api = [c for c in fake_spotify.calls if c.path.startswith("/v1/")]
    reads = [c for c in api if c.method == "GET"]
    writes = [c for c in api if c.method != "GET"]
    assert len(reads) == 3 * (1 + 10) + 2
    assert len(writes) == 15
    assert len(fake_spotify.playlist_uris(target)) == 1500


def test_the_explicit_filter_drops_explicit_tracks_unless_allowed(ada, fake_spotify):
    clean = [fake_spotify.track(explicit=False) for _ in range(3)]
    rude = [fake_spotify.track(explicit=True) for _ in range(2)]
    items = [clean[0], rude[0], clean[1], rude[1], clean[2]]
    target = fake_spotify.add_playlist("ada", "T", [])
    body = _simple(target, fake_spotify.add_playlist("ada", "S", items), {"mode": "replace"})
    kept = {}
    for allow in (False, True):
        body["filters"] = [{"type": "explicit", "allow": allow}]
        response = ada.post("/api/rules/preview", body)
        assert response.status == 200, response.raw
        kept[allow] = response.json["track_uris"]
    assert kept == {False: uris(clean), True: uris(items)}
    body["filters"] = [{"type": "explicit"}]
    refused = ada.post("/api/rules", body)
    assert refused.status == 400
    assert refused.json["error"]["message"] == "filters[0].allow: is required"


def test_without_the_liked_songs_scope_the_403_links_a_sign_in_that_asks_for_it(ada, fake_spotify):
    liked = tracks(fake_spotify, 2)
    fake_spotify.like("ada", liked)
    target = fake_spotify.add_playlist("ada", "T", [])
    body = {"name": "Likes", "target_playlist_id": target, "sources": [{"type": "liked"}]}
    fake_spotify.drop_scope("ada", "user-library-read")
    refused = ada.post("/api/rules/preview", body)
    assert refused.status == 403
    assert refused.json["error"] == {
        "status": 403,
        "message": "sign in again to let Shuffify read your Liked Songs",
        "signin_url": "/login?next=/rules",
    }
    assert ada.post("/api/rules", body).json["error"]["signin_url"] == "/login?next=/rules"
    login = ada.client.get(refused.json["error"]["signin_url"])
    assert login.status == 302, login.raw
    asked = parse_qs(urlsplit(login.headers["Location"]).query)["scope"][0].split()
    assert "user-library-read" in asked
    back = ada.client.get(follow_authorize(fake_spotify, login.headers["Location"], "ada"))
    assert back.status == 302 and urlsplit(back.headers["Location"]).path == "/rules"
    again = SignedIn(ada.client, "ada")
    preview = again.post("/api/rules/preview", body)
    assert preview.status == 200, preview.raw
    assert sorted(preview.json["track_uris"]) == sorted(uris(liked))


@pytest.mark.parametrize("next_path", ["//elsewhere.example/x", "https://elsewhere.example/"])
def test_a_sign_in_link_never_leads_off_the_site(spotify_app, fake_spotify, next_path):
    fake_spotify.add_user("ada", "Ada")
    client = Client(spotify_app)
    login = client.get(f"/login?{urlencode({'next': next_path})}")
    back = client.get(follow_authorize(fake_spotify, login.headers["Location"], "ada"))
    assert back.status == 302
    landing = urlsplit(back.headers["Location"])
    assert (landing.netloc, landing.path) == ("127.0.0.1", "/")


def test_an_order_keeps_the_targets_pins_in_place(ada, fake_spotify, runner):
    items = [fake_spotify.track(name=f"Song {n:02d}") for n in range(8)]
    target = fake_spotify.add_playlist("ada", "T", items)
    pins = [{"uri": items[7]["uri"], "position": 0}, {"uri": items[0]["uri"], "position": 5}]
    pinned = ada.put(f"/api/playlists/{target}/pins", {"pins": pins})
    assert pinned.status == 200, pinned.raw
    body = {
        "name": "By title",
        "target_playlist_id": target,
        "sources": [{"type": "target"}],
        "order": {"algorithm": "sort", "params": {"by": "title"}},
    }
    rule = create(ada, body)
    rest = uris(items[1:7])
    expected = [items[7]["uri"], *rest[:4], items[0]["uri"], *rest[4:]]
    assert ada.post(f"/api/rules/{rule['id']}/preview").json["track_uris"] == expected
    assert run_once(ada, runner, rule["id"])["status"] == "success"
    assert fake_spotify.playlist_uris(target) == expected
