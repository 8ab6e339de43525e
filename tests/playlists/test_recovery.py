"""Interrupted writes completed without anyone asking (issue 17): shuffify.playlists.recovery.

A real `python app.py` process shuffles a 1,000-item playlist (a replace: one PUT, then nine
POSTs) and is killed with SIGKILL while the fake Spotify holds each write call in turn (the
call never lands). A second process started on the same database (SQLite file, PostgreSQL)
completes the recorded order by itself, once the dead writer's claim has run out, within a
minute and with no request for that playlist: every item once, in the recorded order, with
only the write calls still missing (the rest of the order appended).
"""

import http.client
import json
import signal
import threading
from collections import Counter

import pytest
from app_processes import process_settings, signed_in_session
from direct import query
from polling import wait_until
from signed_in import SignedIn

ITEMS = r"/v1/playlists/[^/]+/items$"
SIZE = 1_000
WRITE_CALLS = 10  # a replace of 1,000 items: one PUT of 100, nine POSTs of 100
SECRET_KEY = "recovery-test-secret-key-0123456789abcdef"
FAST = {"SCHEDULER_POLL_S": "1", "PLAYLIST_LEASE_S": "2"}  # a dead claim ends in 2 s


def post_shuffle(process, ada: SignedIn, pid: str) -> None:
    """POST a shuffle to the process as Ada; the answer never comes (the process dies)."""
    connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=60)
    headers = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in ada.client.cookies.items()),
        "X-CSRF-Token": ada.csrf,
        "Content-Type": "application/json",
    }
    body = json.dumps({"algorithm": "basic", "params": {"seed": 11}})
    try:
        connection.request("POST", f"/api/playlists/{pid}/shuffle", body, headers)
        connection.getresponse().read()
    except OSError:
        pass  # killed mid-request, as intended
    finally:
        connection.close()


def pending(url: str) -> list | None:
    (row,) = query(url, "SELECT pending_uris_json FROM playlist_histories")
    return None if row[0] is None else json.loads(row[0])


@pytest.mark.parametrize("call", range(WRITE_CALLS))
def test_a_write_killed_at_each_call_is_completed_after_a_restart_unasked(
    db_url, fake_spotify, apps, make_settings, call
):
    ada = signed_in_session(fake_spotify, db_url, make_settings, SECRET_KEY)
    tracks = [fake_spotify.track(f"Song {i}") for i in range(SIZE)]
    pid = fake_spotify.add_playlist("ada", "Mix", tracks)
    original = fake_spotify.playlist_uris(pid)
    hold = fake_spotify.hold_next("PUT|POST", ITEMS, skip=call)
    first = apps("first", **process_settings(fake_spotify, db_url, SECRET_KEY, **FAST))
    first.wait_for_health()
    threading.Thread(target=post_shuffle, args=(first, ada, pid), daemon=True).start()
    assert hold.reached.wait(60), first.text()[-2000:]
    first.stop(signal.SIGKILL)
    hold.drop()
    target = pending(db_url)
    assert target is not None and Counter(target) == Counter(original)
    landed = call * 100  # the PUT's 100 and a 100 per POST before the held call
    assert len(fake_spotify.playlist_uris(pid)) == (landed or SIZE)
    fake_spotify.reset_calls()

    second = apps("second", **process_settings(fake_spotify, db_url, SECRET_KEY, **FAST))
    claimed = "SELECT count(*) FROM playlist_claims"
    wait_until(
        lambda: pending(db_url) is None and query(db_url, claimed) == [(0,)],
        lambda: f"never completed\n{second.text()[-3000:]}",
        timeout=60,
    )
    assert fake_spotify.playlist_uris(pid) == target
    writes = [c for c in fake_spotify.calls if c.method in ("PUT", "POST", "DELETE")]
    assert len(writes) == WRITE_CALLS - call if call else WRITE_CALLS  # the rest appended
    assert second.process.poll() is None, second.text()[-2000:]
