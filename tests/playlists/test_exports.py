"""Export files and the import parser (issue 19), as plain functions: no database, no Spotify.

Covered: the JSON and CSV exports hold exactly the issue's fields (CRLF, RFC 4180 quoting,
artists joined with ", ", UTF-8); both round trip through the parser, names with commas,
quotes, newlines and any unicode included (hypothesis), and 10,000 items keep their order;
Exportify's CSV (its real header, a translated one, a BOM) is read by its Track URI column;
bad URIs are skipped naming their line or position, and a file that is none of the three
is refused naming the line; over 8 MB or 10,000 items is a 413; import_plan keeps live
local files in place and skips the ones it cannot add, each with its place in the file.
"""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuffify.errors import Refused
from shuffify.playlists.exports import (
    CSV_COLUMNS,
    MAX_IMPORT_BYTES,
    NOT_A_URI,
    ImportRefused,
    check_import_size,
    from_document,
    import_plan,
    name_from_file,
    parse_import,
    to_csv,
    to_json,
)
from shuffify.playlists.merge import LOCAL_REASON, UNAVAILABLE_REASON

LOCAL = "spotify:local:The+Waymores:Heart+of+Stone:Heart+of+Stone:128"
META = {"id": "37i9dQZF1DXcBWIGoYBM5M", "name": "Road trip", "description": "For the A7"}
EXPORTIFY_HEADER = (
    '"Track URI","Track Name","Artist URI(s)","Artist Name(s)","Album URI","Album Name",'
    '"Album Artist URI(s)","Album Artist Name(s)","Album Release Date","Album Image URL",'
    '"Disc Number","Track Number","Track Duration (ms)","Track Preview URL","Explicit",'
    '"Popularity","ISRC","Added By","Added At"'
)


def track(n: int) -> str:
    return f"spotify:track:{n:022d}"


def item(uri, name="Song", artists=("Artist",), album="Album", **extra) -> dict:
    """A track as shuffify.spotify.shapes makes it, with its entry's added_at."""
    return {
        "uri": uri,
        "id": None,
        "name": name,
        "artists": list(artists),
        "album": album,
        "duration_ms": 200_000,
        "is_local": False,
        "image_url": None,
        "added_at": "2026-01-02T03:04:05Z",
        **extra,
    }


def unavailable() -> dict:
    return item(None, name=None, artists=(), album=None, duration_ms=None, added_at=None)


def exportify_row(uri: str, name: str = "Crying") -> str:
    fields = [uri, name, "spotify:artist:x", "Six by Seven", "spotify:album:y", "Best of"]
    fields += ["spotify:artist:x", "Six by Seven", "2017-02-17", "https://i.scdn.co/image/z"]
    fields += ["1", "3", "198093", "", "false", "2", "UK4UP1300002", "", "2020-07-19T09:24:39Z"]
    return ",".join('"' + field.replace('"', '""') + '"' for field in fields)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


# Export


def test_json_export_holds_exactly_the_issues_fields():
    items = [
        item(track(1), name="Crying", artists=("Six by Seven", "Guest")),
        item(LOCAL, is_local=True),
        unavailable(),
    ]
    exported_at = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)

    document = json.loads(to_json({**META, "owner": {"id": "me"}}, items, exported_at))

    assert document == {
        "format": "shuffify-playlist",
        "version": 1,
        "exported_at": "2026-03-04T05:06:07Z",
        "playlist": META,
        "items": [
            {
                "uri": track(1),
                "name": "Crying",
                "artists": ["Six by Seven", "Guest"],
                "album": "Album",
                "duration_ms": 200_000,
                "added_at": "2026-01-02T03:04:05Z",
                "is_local": False,
            },
            {
                "uri": LOCAL,
                "name": "Song",
                "artists": ["Artist"],
                "album": "Album",
                "duration_ms": 200_000,
                "added_at": "2026-01-02T03:04:05Z",
                "is_local": True,
            },
            {
                "uri": None,
                "name": None,
                "artists": [],
                "album": None,
                "duration_ms": None,
                "added_at": None,
                "is_local": False,
            },
        ],
    }


def test_json_export_is_utf8_not_escaped():
    data = to_json(META, [item(track(1), name="Ça plane 🎵")], "2026-03-04T05:06:07Z")
    assert "Ça plane 🎵".encode() in data


def test_csv_export_is_a_header_then_one_rfc_4180_row_per_item():
    items = [
        item(track(1), name='Say "Hello", Goodbye', artists=("A", "B, the band")),
        item(track(2), name="Two\nlines", album="Ünïcödé"),
        unavailable(),
    ]

    data = to_csv(items)

    assert data.decode("utf-8") == (
        "uri,name,artists,album,duration_ms,added_at,is_local\r\n"
        f'{track(1)},"Say ""Hello"", Goodbye","A, B, the band",Album,200000,'
        "2026-01-02T03:04:05Z,false\r\n"
        f'{track(2)},"Two\nlines",Artist,Ünïcödé,200000,2026-01-02T03:04:05Z,false\r\n'
        ",,,,,,false\r\n"
    )


@given(st.lists(st.tuples(st.text(), st.lists(st.text(min_size=1), max_size=3), st.text())))
def test_any_names_survive_the_csv_export(named):
    items = [
        item(track(n), name=name, artists=artists, album=album)
        for n, (name, artists, album) in enumerate(named)
    ]
    rows = csv_rows(to_csv(items))
    assert rows[0] == list(CSV_COLUMNS)
    assert [row[1] for row in rows[1:]] == [name for name, _, _ in named]
    assert [row[3] for row in rows[1:]] == [album for _, _, album in named]
    assert [row[2] for row in rows[1:]] == [", ".join(artists) for _, artists, _ in named]


# Round trips


def test_json_round_trip_keeps_every_entry_in_place():
    items = [item(track(1)), item(LOCAL, is_local=True), unavailable(), item(track(1))]
    imported = parse_import(to_json(META, items, "2026-03-04T05:06:07Z"), "whatever.json")
    assert imported.name == "Road trip"
    assert imported.items == [track(1), LOCAL, None, track(1)]
    assert imported.skipped == []
    assert imported.places == [{"position": n} for n in range(4)]


def test_csv_round_trip_with_awkward_names_keeps_every_entry_in_place():
    items = [
        item(track(1), name='Say "Hello", Goodbye'),
        item(track(2), name="Two\r\nlines"),
        item(LOCAL, name="日本語, 🎵", is_local=True),
        unavailable(),
    ]
    imported = parse_import(to_csv(items), "Road_trip.csv")
    assert imported.name == "Road trip"
    assert imported.items == [track(1), track(2), LOCAL, None]
    assert imported.places == [{"line": 2}, {"line": 3}, {"line": 5}, {"line": 6}]


@pytest.mark.parametrize("export", ["json", "csv"])
def test_ten_thousand_items_round_trip_in_order(export):
    uris = [track(n % 9_000) for n in range(10_000)]  # duplicates too
    items = [item(uri, name=f"Song {n}, part {n % 7}") for n, uri in enumerate(uris)]
    data = to_json(META, items, "now") if export == "json" else to_csv(items)
    assert len(data) <= MAX_IMPORT_BYTES
    assert parse_import(data, f"big.{export}").items == uris


def test_a_json_body_in_the_export_format_is_read_as_a_file_is():
    document = json.loads(to_json(META, [item(track(1))], "now"))
    assert from_document(document).items == [track(1)]


# Exportify


def test_an_exportify_csv_is_read_by_its_track_uri_column_in_row_order():
    data = "\n".join(
        [
            EXPORTIFY_HEADER,
            exportify_row(track(3)),
            exportify_row(track(1), name='Comma, "quoted"'),
            exportify_row(LOCAL),
            exportify_row(track(3)),
        ]
    ).encode()

    imported = parse_import(data, "ghostpoet_\u2013_peanut_butter_blues.csv")

    assert imported.name == "ghostpoet \u2013 peanut butter blues"
    assert imported.items == [track(3), track(1), LOCAL, track(3)]
    assert imported.skipped == []


def test_exportify_csv_with_a_playlist_name_column_a_bom_and_a_translated_header():
    header = '"Name","Track-URI","Track-Name"'
    rows = [f'"Liked","{track(1)}","Crying"', f'"Liked","{track(2)}","Other"']
    data = "\ufeff" + "\r\n".join([header, *rows]) + "\r\n"
    assert parse_import(data.encode(), None).items == [track(1), track(2)]


# Skipped and refused


def test_bad_uris_are_skipped_with_their_line_and_reason():
    data = to_csv([item(track(1)), item("spotify:track:short"), item(track(2))])
    imported = parse_import(data, "x.csv")
    assert imported.items == [track(1), track(2)]
    assert imported.skipped == [{"line": 3, "uri": "spotify:track:short", "reason": NOT_A_URI}]


def test_lines_count_the_newlines_inside_quoted_fields():
    data = to_csv([item(track(1), name="one\ntwo\nthree"), item("https://example.com/x")])
    assert parse_import(data, "x.csv").skipped[0]["line"] == 5


def test_bad_uris_in_json_are_skipped_with_their_position():
    document = json.loads(to_json(META, [item(track(1)), item("spotify:album:x")], "now"))
    imported = from_document(document)
    assert imported.skipped == [{"position": 1, "uri": "spotify:album:x", "reason": NOT_A_URI}]


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"", "line 1: the file is empty"),
        (b"hello world\nthis is not a playlist\n", "line 1: the file is neither"),
        (b"title,artist\nSong,Someone\n", "line 1: the file is neither"),
        (b"uri,name\n" + track(1).encode() + b",x\n", "line 1: the file is neither"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "line 1: the file is not UTF-8 text"),
        (b"uri,name\nLatin-1 caf\xe9\n", "line 2: the file is not UTF-8 text"),
        (b'{"format": "shuffify-playlist",\n"version": 1,\n"items": [}', "line 3: not valid JSON"),
        (b'{"format": "m3u", "items": []}', "line 1: a JSON file must be a Shuffify export"),
        (b"[1, 2, 3]", "line 1: a JSON file must be a Shuffify export"),
        (b'{"format": "shuffify-playlist", "version": 2, "items": []}', "line 1: export version 2"),
        (b'{"format": "shuffify-playlist", "version": 1}', 'line 1: the export has no "items"'),
        (
            b'{"format": "shuffify-playlist", "version": 1, "items": [{"uri": null}, 3]}',
            "items[1] is not an item",
        ),
        (
            b'{"format": "shuffify-playlist", "version": 1, "items": [{"uri": 5}]}',
            "items[0]: the uri must be a string or null",
        ),
        (
            ",".join(CSV_COLUMNS).encode() + b"\r\nx,y\r\n",
            "line 2: 2 fields where the header has 7",
        ),
        (
            ",".join(CSV_COLUMNS).encode() + f'\r\n{track(1)},"unterminated,,,,,\r\n'.encode(),
            "line 2: not valid CSV",
        ),
        (
            ",".join(CSV_COLUMNS).encode() + b"\r\n\r\nnot-a-uri,,,,,,\r\nnope,,,,,,\r\n",
            "line 3: 'not-a-uri' is not a Spotify track, episode or local-file URI",
        ),
    ],
)
def test_a_file_that_is_none_of_the_three_is_refused_naming_the_line(data, named):
    with pytest.raises(ImportRefused) as refused:
        parse_import(data, "upload.bin")
    assert refused.value.status == 400
    assert refused.value.message.startswith(named)


def test_a_file_over_eight_megabytes_is_a_413():
    data = b" " * (MAX_IMPORT_BYTES + 1)
    with pytest.raises(Refused) as refused:
        parse_import(data, "big.csv")
    assert refused.value.status == 413
    assert "at most 8 MB" in refused.value.message
    check_import_size(MAX_IMPORT_BYTES)


@pytest.mark.parametrize("export", ["json", "csv"])
def test_more_than_ten_thousand_items_is_a_413(export):
    items = [item(track(n)) for n in range(10_001)]
    data = to_json(META, items, "now") if export == "json" else to_csv(items)
    with pytest.raises(ImportRefused) as refused:
        parse_import(data, "big")
    assert refused.value.status == 413
    assert "more than 10,000 items" in refused.value.message


def test_names_from_files():
    assert name_from_file("road_trip.csv") == "road trip"
    assert name_from_file("C:\\Users\\me\\Road  Trip.json") == "Road Trip"
    assert name_from_file("dir/sub/My_Mix") == "My Mix"
    assert name_from_file(None) is None
    assert name_from_file("___.csv") is None


# The plan an import writes


def test_importing_into_a_playlist_keeps_its_live_local_files_in_place():
    other_local = "spotify:local:Other:Album:Song:100"
    data = to_csv(
        [
            item(track(1)),
            item(LOCAL),
            item("spotify:track:short"),
            item(other_local),
            unavailable(),
            item(track(2)),
        ]
    )
    live = [track(9), LOCAL, None, track(1)]

    plan = import_plan(parse_import(data, "x.csv"), live)

    assert plan.target == [track(1), LOCAL, None, track(2)]
    assert plan.kept == []
    assert plan.skipped == [
        {"line": 4, "uri": "spotify:track:short", "reason": NOT_A_URI},
        {"line": 5, "uri": other_local, "reason": LOCAL_REASON},
    ]


def test_importing_into_a_new_playlist_skips_what_cannot_be_added():
    document = json.loads(
        to_json(META, [unavailable(), item(track(1)), item(LOCAL), item("x:y")], "now")
    )

    plan = import_plan(from_document(document), live=[])

    assert plan.target == [track(1)]
    assert plan.skipped == [
        {"position": 0, "uri": None, "reason": UNAVAILABLE_REASON},
        {"position": 2, "uri": LOCAL, "reason": LOCAL_REASON},
        {"position": 3, "uri": "x:y", "reason": NOT_A_URI},
    ]


def test_an_unavailable_live_entry_the_file_lacks_stays_at_the_end():
    plan = import_plan(parse_import(to_csv([item(track(1))]), "x.csv"), [None, track(5)])
    assert plan.target == [track(1), None]
    assert plan.kept == [None]
