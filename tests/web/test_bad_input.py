"""Bad input answers a 4xx naming what was wrong, never a 500 (issue 17).

A review found 169 requests answering 500 with input anyone can send: a body
nested 100,000 deep, playlist links with a broken host, path ids past 64 bits
or written in other scripts' digits, numbers past Python's 4,300-digit
conversion limit, names no database column can hold (a lone surrogate; NUL on
PostgreSQL), cron expressions that never fire or do not fit their column. And
some routes ignored body fields they do not take while others refused them.

Each table below sends one kind of input to every route that takes it,
signed in and with the CSRF token (so the input itself is what is judged),
on SQLite and PostgreSQL, and wants a 4xx in the one JSON error shape whose
message names the problem. Each table has a control too: the same route with
good input answers as it should, so a refusal comes from the bad input and
not from a request that was broken anyway.
"""

import json
import re
from urllib.parse import quote

import pytest

MAX_BODY = 512 * 1024
BIG_NUMBER = "9" * 5000  # past Python's 4,300-digit limit for int()
BROKEN_LINKS = ("https://[", "http://[::1", "open.spotify.com]/x")
UNSTORABLE = {"lone surrogate": ("\ud800", "U+D800"), "NUL": ("\x00", "U+0000")}
ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x660 + d) for d in range(10)))


# --- Ada's rows: one of each kind, and the playlists they name -----------------------------


def created(response) -> int:
    assert response.status == 201, response.raw
    return response.json["id"]


def shuffle_schedule(world, **extra) -> dict:
    return {
        "job_type": "shuffle",
        "target_playlist_id": world.playlist,
        "algorithm_name": "basic",
        "schedule_type": "interval",
        "schedule_value": "daily",
        **extra,
    }


class World:
    def __init__(self, fake, ada):
        self.ada = ada
        track = fake.track()
        self.uri = track["uri"]
        self.playlist = fake.add_playlist("ada", "Mine", [track])
        self.other = fake.add_playlist("ada", "Other", [fake.track()])
        self.session = created(
            ada.post(
                f"/api/playlists/{self.playlist}/sessions",
                {"session_name": "Kept", "track_uris": [self.uri]},
            )
        )
        self.source = created(
            ada.post(
                f"/api/playlists/{self.playlist}/sources",
                {"source_playlist_id": self.other, "source_type": "own"},
            )
        )
        self.schedule = created(ada.post("/api/schedules", shuffle_schedule(self)))

    def path(self, template: str) -> str:
        return template.format(
            playlist=self.playlist,
            session=self.session,
            source=self.source,
            schedule=self.schedule,
        )

    def send(self, method: str, template: str, body=None):
        """body: None for none, bytes as they are, anything else as JSON."""
        raw = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body)
        headers = {"Content-Type": "application/json", "X-CSRF-Token": self.ada.csrf}
        raw = raw.encode() if isinstance(raw, str) else raw
        return self.ada.client.request(method, wsgi_path(self.path(template)), raw, headers)


def wsgi_path(path: str) -> str:
    """A path as a WSGI server hands it on: its UTF-8 bytes, one character each."""
    return path.encode().decode("latin-1")


@pytest.fixture
def world(fake_spotify, sign_in) -> World:
    return World(fake_spotify, sign_in("ada"))


def assert_refused(response, status: int, *words: str) -> str:
    """The app's one JSON error shape with this status, its message naming every word."""
    assert response.status == status, response.raw[:300]
    assert response.headers["Content-Type"] == "application/json"
    assert list(response.json) == ["error"]
    assert response.json["error"]["status"] == status
    message = response.json["error"]["message"]
    for word in words:
        assert word in message, f"{word!r} not named in {message!r}"
    return message


# --- Every route that takes a body, with a good one; every write that takes none -----------

BODY_ROUTES = {
    "shuffle": (
        "POST",
        "/api/playlists/{playlist}/shuffle",
        lambda w: {"algorithm": "basic", "params": {}},
    ),
    "preview": (
        "POST",
        "/api/playlists/{playlist}/preview",
        lambda w: {"algorithm": "basic", "params": {}, "track_uris": [w.uri]},
    ),
    "save tracks": (
        "PUT",
        "/api/playlists/{playlist}/tracks",
        lambda w: {"track_uris": [w.uri]},
    ),
    "create session": (
        "POST",
        "/api/playlists/{playlist}/sessions",
        lambda w: {"session_name": "New", "track_uris": [w.uri]},
    ),
    "update session": ("PUT", "/api/sessions/{session}", lambda w: {"session_name": "Renamed"}),
    "add source": (
        "POST",
        "/api/playlists/{playlist}/sources",
        lambda w: {"source_url": f"https://open.spotify.com/playlist/{w.other}"},
    ),
    "create schedule": ("POST", "/api/schedules", shuffle_schedule),
    "update schedule": ("PATCH", "/api/schedules/{schedule}", lambda w: {"is_enabled": False}),
}
NO_BODY_ROUTES = {  # and what each answers without a body
    "undo": ("POST", "/api/playlists/{playlist}/undo", 409),  # nothing to undo yet
    "redo": ("POST", "/api/playlists/{playlist}/redo", 409),
    "run schedule": ("POST", "/api/schedules/{schedule}/run", 202),
    "delete schedule": ("DELETE", "/api/schedules/{schedule}", 200),
    "delete session": ("DELETE", "/api/sessions/{session}", 200),
    "delete source": ("DELETE", "/api/sources/{source}", 200),
    "delete account": ("DELETE", "/api/me", 200),
}
WRITES = {
    **{name: (method, path) for name, (method, path, _) in BODY_ROUTES.items()},
    **{name: (method, path) for name, (method, path, _) in NO_BODY_ROUTES.items()},
}


@pytest.mark.parametrize("route", BODY_ROUTES)
def test_control_each_route_takes_its_good_body(world, route):
    method, path, body = BODY_ROUTES[route]
    response = world.send(method, path, body(world))
    assert 200 <= response.status < 300, response.raw


@pytest.mark.parametrize("route", NO_BODY_ROUTES)
@pytest.mark.parametrize("body", [None, {}], ids=["no body", "empty object"])
def test_control_each_write_without_fields_takes_none_or_an_empty_object(world, route, body):
    method, path, status = NO_BODY_ROUTES[route]
    assert world.send(method, path, body).status == status


# --- Nesting, size, unknown fields: every write ---------------------------------------------

NESTED = {
    "100,000 arrays": b"[" * 100_000,
    "100,000 objects": b'{"a":' * 100_000,  # 500,000 bytes: under the size limit
    "33 levels, closed": b'{"params": ' + b"[" * 32 + b"]" * 32 + b"}",
}


@pytest.mark.parametrize("route", WRITES)
def test_a_deeply_nested_body_is_400(world, route):
    method, path = WRITES[route]
    for name, body in NESTED.items():
        message = assert_refused(world.send(method, path, body), 400, "nested")
        assert "32 levels" in message, name


@pytest.mark.parametrize("route", WRITES)
def test_a_body_over_512_kib_is_413(world, route):
    method, path = WRITES[route]
    for size in (MAX_BODY + 1, (1 << 20) + 1):
        response = world.send(method, path, b" " * size)
        assert_refused(response, 413, f"request body over {MAX_BODY} bytes")


@pytest.mark.parametrize("route", BODY_ROUTES)
def test_an_unknown_field_is_400_naming_it(world, route):
    method, path, body = BODY_ROUTES[route]
    response = world.send(method, path, {**body(world), "foo": 1})
    assert assert_refused(response, 400) == 'unknown field "foo"'


@pytest.mark.parametrize("route", NO_BODY_ROUTES)
def test_a_field_sent_to_a_write_that_takes_none_is_400_naming_it(world, route):
    method, path, _ = NO_BODY_ROUTES[route]
    response = world.send(method, path, {"foo": 1})
    assert assert_refused(response, 400) == 'unknown field "foo"'
    assert world.ada.get("/api/me").status == 200  # "delete account" deleted nothing


@pytest.mark.parametrize("route", BODY_ROUTES)
def test_a_number_past_the_conversion_limit_in_a_body_is_400(world, route):
    method, path, body = BODY_ROUTES[route]
    field = next(iter(body(world)))
    for number in (BIG_NUMBER, "-" + BIG_NUMBER, "1" + "0" * 100):
        raw = f'{{"{field}": {number}}}'.encode()
        assert_refused(world.send(method, path, raw), 400, "more than 100 digits")


# --- Playlist links with a broken host -----------------------------------------------------

LINK_FIELDS = {  # route: (method, path, body with the link, the field the message names)
    "external playlist": lambda w, link: (
        "GET",
        f"/api/external-playlists?url={quote(link, safe='')}",
        None,
        "url",
    ),
    "source by link": lambda w, link: (
        "POST",
        "/api/playlists/{playlist}/sources",
        {"source_url": link, "source_type": "external"},
        "source_url",
    ),
    "source by id": lambda w, link: (
        "POST",
        "/api/playlists/{playlist}/sources",
        {"source_playlist_id": link, "source_type": "external"},
        "source_playlist_id",
    ),
    "schedule target": lambda w, link: (
        "POST",
        "/api/schedules",
        shuffle_schedule(w, target_playlist_id=link),
        "target_playlist_id",
    ),
    "schedule source": lambda w, link: (
        "POST",
        "/api/schedules",
        shuffle_schedule(w, job_type="raid", source_playlist_ids=[link]),
        "source_playlist_ids[0]",
    ),
    "changed target": lambda w, link: (
        "PATCH",
        "/api/schedules/{schedule}",
        {"target_playlist_id": link},
        "target_playlist_id",
    ),
    "changed source": lambda w, link: (
        "PATCH",
        "/api/schedules/{schedule}",
        {"job_type": "raid", "source_playlist_ids": [link]},
        "source_playlist_ids[0]",
    ),
}


@pytest.mark.parametrize("route", LINK_FIELDS)
def test_a_link_with_a_broken_host_is_400_naming_the_field(world, route):
    for link in BROKEN_LINKS:
        method, path, body, field = LINK_FIELDS[route](world, link)
        assert_refused(world.send(method, path, body), 400, field)


@pytest.mark.parametrize("route", LINK_FIELDS)
def test_control_the_same_fields_take_a_good_link(world, route):
    link = f"https://open.spotify.com/playlist/{world.other}"
    method, path, body, _ = LINK_FIELDS[route](world, link)
    response = world.send(method, path, body)
    assert 200 <= response.status < 300, response.raw


# --- Row ids in paths: ASCII digits, no leading zero, within 64 bits ------------------------

ID_ROUTES = {  # route: (method, path with {id}, the row it names, a good body)
    "get session": ("GET", "/api/sessions/{id}", "session", None),
    "update session": ("PUT", "/api/sessions/{id}", "session", {"session_name": "Renamed"}),
    "delete session": ("DELETE", "/api/sessions/{id}", "session", None),
    "delete source": ("DELETE", "/api/sources/{id}", "source", None),
    "get schedule": ("GET", "/api/schedules/{id}", "schedule", None),
    "update schedule": ("PATCH", "/api/schedules/{id}", "schedule", {"is_enabled": False}),
    "delete schedule": ("DELETE", "/api/schedules/{id}", "schedule", None),
    "run schedule": ("POST", "/api/schedules/{id}/run", "schedule", None),
    "executions": ("GET", "/api/schedules/{id}/executions", "schedule", None),
}
BAD_IDS = {  # name: the id given, from the real one
    "past 64 bits": lambda real: "99999999999999999999",
    "2**63": lambda real: str(2**63),
    "4,301 digits": lambda real: "9" * 4301,
    "no such row": lambda real: "999999999999999999",
    "leading zero": lambda real: f"0{real}",
    "Arabic-Indic digits": lambda real: str(real).translate(ARABIC_INDIC),
    "fullwidth digits": lambda real: "".join(chr(0xFF10 + int(d)) for d in str(real)),
    "sign": lambda real: f"+{real}",
    "negative": lambda real: f"-{real}",
}


def id_request(world: World, route: str, row_id: str):
    method, path, _, body = ID_ROUTES[route]
    return world.send(method, path.replace("{id}", row_id), body)


@pytest.mark.parametrize("route", ID_ROUTES)
def test_a_path_id_that_is_not_a_row_id_is_404(world, route):
    real = getattr(world, ID_ROUTES[route][2])
    for name, bad in BAD_IDS.items():
        response = id_request(world, route, bad(real))
        assert response.status == 404, f"{name}: {response.raw[:200]}"
        assert_refused(response, 404)


@pytest.mark.parametrize("route", ID_ROUTES)
def test_control_the_real_id_is_found(world, route):
    response = id_request(world, route, str(getattr(world, ID_ROUTES[route][2])))
    assert 200 <= response.status < 300, response.raw


# --- Numbers in query strings past the conversion limit ------------------------------------

QUERY_NUMBERS = {  # route: (path with {n}, the parameter the message names)
    "search limit": ("/api/search?q=x&type=track&limit={n}", "limit"),
    "search offset": ("/api/search?q=x&type=track&offset={n}", "offset"),
    "executions limit": ("/api/schedules/{schedule}/executions?limit={n}", "limit"),
    "executions before": ("/api/schedules/{schedule}/executions?before={n}", "before"),
}


@pytest.mark.parametrize("route", QUERY_NUMBERS)
def test_a_query_number_past_the_conversion_limit_is_400_naming_it(world, route):
    path, name = QUERY_NUMBERS[route]
    for number in (BIG_NUMBER, "1" + "0" * 4300, "%D9%A1"):  # the last: Arabic-Indic 1
        response = world.send("GET", path.replace("{n}", number))
        assert_refused(response, 400, f"{name} must be a whole number")


@pytest.mark.parametrize("route", QUERY_NUMBERS)
def test_control_a_small_query_number_is_taken(world, route):
    path, _ = QUERY_NUMBERS[route]
    for number in ("5", "0" * 5000 + "5"):  # leading zeros are still five
        assert world.send("GET", path.replace("{n}", number)).status == 200


# --- Text no column can hold: a lone surrogate anywhere, NUL on PostgreSQL ------------------

TEXT_FIELDS = {  # route: (method, path, body holding the text, the field the message names)
    "session name": lambda w, text: (
        "POST",
        "/api/playlists/{playlist}/sessions",
        {"session_name": f"Mix{text}tape", "track_uris": []},
        "session_name",
    ),
    "renamed session": lambda w, text: (
        "PUT",
        "/api/sessions/{session}",
        {"session_name": f"Mix{text}tape"},
        "session_name",
    ),
    "session track": lambda w, text: (
        "POST",
        "/api/playlists/{playlist}/sessions",
        {"session_name": "Fine", "track_uris": [f"spotify:local:a{text}b:c:d:1"]},
        "track_uris[0]",
    ),
    "saved track": lambda w, text: (
        "PUT",
        "/api/playlists/{playlist}/tracks",
        {"track_uris": [w.uri, f"spotify:local:a{text}b:c:d:1"]},
        "track_uris[1]",
    ),
    "source name": lambda w, text: (
        "POST",
        "/api/playlists/{playlist}/sources",
        {"source_playlist_id": w.other, "source_type": "own", "source_name": f"Mix{text}"},
        "source_name",
    ),
    "source link": lambda w, text: (
        "POST",
        "/api/playlists/{playlist}/sources",
        {"source_url": f"https://open.spotify.com/playlist/{w.other}?si={text}"},
        "source_url",
    ),
    "schedule target name": lambda w, text: (
        "POST",
        "/api/schedules",
        shuffle_schedule(w, target_playlist_name=f"Mix{text}"),
        "target_playlist_name",
    ),
    "changed target name": lambda w, text: (
        "PATCH",
        "/api/schedules/{schedule}",
        {"target_playlist_name": f"Mix{text}"},
        "target_playlist_name",
    ),
    "field name": lambda w, text: (
        "PATCH",
        "/api/schedules/{schedule}",
        {f"is_enabled{text}": True},
        "a field name",
    ),
}


@pytest.mark.parametrize("route", TEXT_FIELDS)
def test_text_no_column_can_hold_is_400_naming_the_field(world, route):
    for text, code in UNSTORABLE.values():
        method, path, body, field = TEXT_FIELDS[route](world, text)
        message = assert_refused(world.send(method, path, body), 400, field, code)
        assert "cannot be stored" in message


def test_nothing_with_such_text_was_stored(world):
    for route in TEXT_FIELDS:
        for text, _ in UNSTORABLE.values():
            method, path, body, _ = TEXT_FIELDS[route](world, text)
            world.send(method, path, body)
    sessions = world.ada.get(f"/api/playlists/{world.playlist}/sessions").json["sessions"]
    assert [s["session_name"] for s in sessions] == ["Kept"]
    sources = world.ada.get(f"/api/playlists/{world.playlist}/sources").json["sources"]
    assert [(s["source_name"], s["source_url"]) for s in sources] == [(None, None)]
    schedule = world.ada.get(f"/api/schedules/{world.schedule}").json
    assert schedule["target_playlist_name"] == "Mine"


# --- Cron expressions: ones that never fire, ones longer than their column -----------------


def cron_of_length(length: int) -> str:
    """A valid cron expression of exactly `length` characters: lists of minutes and hours."""
    for minutes in range(1, 61):
        for hours in range(1, 25):
            text = f"{','.join(map(str, range(minutes)))} {','.join(map(str, range(hours)))} * * *"
            if len(text) == length:
                return text
    raise AssertionError(f"no cron expression of {length} characters")


BAD_CRONS = {  # name: (expression, what the message says)
    "30 February": ("0 0 30 2 *", "never"),
    "31 April and June": ("0 0 31 4,6 *", "never"),
    "101 characters": (cron_of_length(101), "at most 100 characters"),
    "every minute listed": (",".join(map(str, range(60))) + " * * * *", "at most 100 characters"),
}
CRON_ROUTES = {  # route: (method, path, body with the expression)
    "create": lambda w, cron: ("POST", "/api/schedules", cron_schedule(w, cron)),
    "create paused": lambda w, cron: (
        "POST",
        "/api/schedules",
        cron_schedule(w, cron, is_enabled=False),
    ),
    "change": lambda w, cron: (
        "PATCH",
        "/api/schedules/{schedule}",
        {"schedule_type": "cron", "schedule_value": cron},
    ),
    "change and pause": lambda w, cron: (
        "PATCH",
        "/api/schedules/{schedule}",
        {"schedule_type": "cron", "schedule_value": cron, "is_enabled": False},
    ),
}


def cron_schedule(world: World, cron: str, **extra) -> dict:
    return shuffle_schedule(world, schedule_type="cron", schedule_value=cron, **extra)


@pytest.mark.parametrize("route", CRON_ROUTES)
def test_a_cron_that_never_fires_or_does_not_fit_is_400(world, route):
    for name, (cron, words) in BAD_CRONS.items():
        method, path, body = CRON_ROUTES[route](world, cron)
        response = world.send(method, path, body)
        assert response.status == 400, f"{name}: {response.raw[:200]}"
        assert_refused(response, 400, "schedule_value", words)


@pytest.mark.parametrize("route", CRON_ROUTES)
def test_control_a_leap_day_and_a_cron_of_100_characters_are_taken(world, route):
    for cron in ("0 0 29 2 *", cron_of_length(100)):
        method, path, body = CRON_ROUTES[route](world, cron)
        response = world.send(method, path, body)
        assert 200 <= response.status < 300, response.raw
        assert response.json["schedule_value"] == cron


# --- A sweep of every /api route the app installs, today's and tomorrow's ------------------
# The tables above name each route and the message it gives; this finds the routes in the
# app's router, so a route added later is held to the same rule: no bad input is a 500, and
# a write refuses a bad body before doing anything.

SWEEP_BODIES = {
    **NESTED,
    "a number of 5,000 digits": f'{{"name": {BIG_NUMBER}}}'.encode(),
    "a lone surrogate": json.dumps({"name": "a\ud800"}).encode(),
    "NUL": json.dumps({"name": "a\x00"}).encode(),
    "a field name with a lone surrogate": json.dumps({"x\ud800": 1}).encode(),
    "over 512 KiB": b" " * (MAX_BODY + 1),
}
PARAMETER = re.compile(r"<([a-z_]+)[^>]*>")


def api_routes(world: World, methods: set[str]) -> list[tuple[str, str]]:
    """(method, path) of every /api route with these methods, its parameters filled in."""
    found = []
    for route in world.ada.client.app.routes:
        if route.method in methods and route.rule.startswith("/api/"):
            found.append((route.method, PARAMETER.sub(lambda m: fill(world, m[1]), route.rule)))
    return sorted(found, key=lambda found: found[1] == "/api/me")  # deleting ada goes last


def fill(world: World, name: str) -> str:
    """A real value for a path parameter: ada's playlist, or one of her rows when she has one."""
    if name == "playlist_id":
        return world.playlist
    return str(getattr(world, name.removesuffix("_id"), 1))


def test_sweep_every_write_refuses_every_bad_body(world):
    routes = api_routes(world, {"POST", "PUT", "PATCH", "DELETE"})
    assert len(routes) >= len(WRITES)
    for method, path in routes:
        for name, body in SWEEP_BODIES.items():
            response = world.send(method, path, body)
            assert 400 <= response.status < 500, f"{method} {path}, {name}: {response.raw[:200]}"
            assert response.status not in (401, 403), f"{method} {path}, {name}"
            assert_refused(response, response.status)
        assert world.ada.get("/api/me").status == 200, f"{method} {path} acted on a bad body"


def test_sweep_no_read_answers_500_to_huge_query_numbers(world):
    query = "&".join(f"{name}={BIG_NUMBER}" for name in ("limit", "offset", "before", "against"))
    for method, path in api_routes(world, {"GET"}):
        response = world.send(method, f"{path}?q=x&{query}")
        assert response.status < 500, f"GET {path}: {response.raw[:200]}"


def test_sweep_every_row_id_route_answers_404_to_a_bad_id(world):
    routes = [
        (route.method, route.rule)
        for route in world.ada.client.app.routes
        if route.rule.startswith("/api/") and re.search(r"<[a-z]+_id:", route.rule)
    ]
    assert len(routes) >= len(ID_ROUTES)
    for method, rule in routes:
        for name, bad in BAD_IDS.items():
            path = PARAMETER.sub(lambda m, bad=bad: bad(1), rule)
            response = world.send(method, path, None if method == "GET" else {})
            assert response.status == 404, f"{method} {rule}, {name}: {response.raw[:200]}"
