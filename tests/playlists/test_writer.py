"""shuffify.playlists.writer: any target reached over any live list, in the calls it prices.

The client here is a model of Spotify's item endpoints, in memory: PUT with
`uris` replaces, PUT with a range moves a block, POST adds at `position` or
at the end, DELETE removes every copy of each URI, and each call is counted.
Whatever comes or goes, the playlist ends as the target; with
keep_added_dates no item that stays is re-added; and the calls made are the
calls planned_calls quotes (what the pages show before writing).
"""

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from shuffify.playlists import writer
from shuffify.playlists.reorder import Move, apply_move

PROPERTIES = settings(max_examples=300, deadline=None)
URIS = st.sampled_from([f"spotify:track:{letter}" for letter in "abcdefgh"])


class ModelSpotify:
    """Spotify's /items endpoints over a list of (uri, added in call n) entries."""

    def __init__(self, uris: list[str]):
        self.entries = [(uri, 0) for uri in uris]
        self.calls = 0
        self.cache = SimpleNamespace(forget=lambda playlist_id: None)

    @property
    def uris(self) -> list[str]:
        return [uri for uri, _ in self.entries]

    def send(self, method: str, path: str, body: dict, safe: bool) -> dict:
        self.calls += 1
        stamp = self.calls
        if method == "DELETE":
            gone = {item["uri"] for item in body["items"]}
            self.entries = [entry for entry in self.entries if entry[0] not in gone]
        elif method == "POST":
            position = body.get("position", len(self.entries))
            added = [(uri, stamp) for uri in body["uris"]]
            self.entries[position:position] = added
        elif "uris" in body:
            self.entries = [(uri, stamp) for uri in body["uris"]]
        else:
            move = Move(
                range_start=body["range_start"],
                range_length=body["range_length"],
                insert_before=body["insert_before"],
            )
            self.entries = apply_move(self.entries, move)
        return {"snapshot_id": f"s{stamp}"}


def written(live: list[str], target: list[str], keep: bool) -> tuple[ModelSpotify, int]:
    spotify = ModelSpotify(live)
    with writer.write_options(keep_added_dates=keep) as options:
        writer.write_order(spotify, "p", live, target, "s0")
    assert options.calls == spotify.calls
    return spotify, options.calls


@PROPERTIES
@given(st.lists(URIS, max_size=30), st.lists(URIS, max_size=30), st.booleans())
def test_any_target_is_reached_in_the_calls_quoted(live, target, keep):
    spotify, calls = written(live, target, keep)
    assert spotify.uris == target
    quoted = writer.planned_calls(live, target)
    assert calls == quoted["keep_added_dates" if keep else "replace"]


@PROPERTIES
@given(st.lists(URIS, max_size=30), st.lists(URIS, max_size=30))
def test_keeping_added_dates_re_adds_only_what_delete_took(live, target):
    spotify, _ = written(live, target, keep=True)
    still_first_added = [uri for uri, stamp in spotify.entries if stamp == 0]
    taken_by_delete = {uri for uri in live if live.count(uri) > target.count(uri)}
    assert sorted(still_first_added) == sorted(uri for uri in live if uri not in taken_by_delete)


def test_removing_one_copy_of_a_duplicate_puts_the_kept_copy_back_in_place():
    live = [f"spotify:track:{n}" for n in range(300)]
    target = list(live)
    for n in range(0, 300, 30):  # ten duplicates, the copy at the end goes
        live.append(live[n])
    spotify, calls = written(live, target, keep=True)
    assert spotify.uris == target
    assert calls == 11  # one DELETE of the ten URIs, one POST per copy at its position


def test_items_added_in_one_run_go_in_one_call():
    live = [f"spotify:track:{n}" for n in range(10)]
    target = live[:5] + [f"spotify:track:new{n}" for n in range(150)] + live[5:]
    spotify, calls = written(live, target, keep=True)
    assert spotify.uris == target
    assert calls == 2  # 150 new items: two POSTs of at most 100, each where it goes
