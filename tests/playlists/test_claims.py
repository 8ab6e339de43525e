"""One writer per playlist (issue 17): shuffify.playlists.claims and every writer using it.

On SQLite files and real PostgreSQL, against the real HTTP fake Spotify:

- The claim itself: a second claim of a held playlist is refused with the holder's lease
  end; release lets the next one in; a lease that ran out is taken over; only the holder
  releases; the heartbeat keeps a long change's claim alive.
- A write in flight (held by the fake at its first write call) turns every other writer
  away at once: shuffle, workshop save, undo answer 409 "this playlist is being changed",
  a scheduled run is postponed (not failed) until the claim ends, and a GET neither waits
  nor takes the in-flight order to write it again.
- Two and four concurrent writers on one 1,000-item playlist (shuffle + shuffle, shuffle +
  scheduled run, save + undo) answer only 200, 409 or 503, and end with exactly the items
  of one write, in its order: the current history step, a permutation of the original.
- Step numbers never collide, whatever the claims do (history rows are locked).
"""

import random
import threading
from collections import Counter
from datetime import timedelta

import pytest
from polling import wait_until

from shuffify.models import JobExecution, PlaylistClaim, PlaylistHistory, Schedule, utcnow
from shuffify.playlists import claims, history
from shuffify.scheduling.runner import Runner
from shuffify.scheduling.runs import POSTPONED

ITEMS = r"/v1/playlists/[^/]+/items$"
BUSY = "this playlist is being changed; try again in a moment"
SIZE = 1_000


@pytest.fixture
def ada(sign_in):
    return sign_in("ada")


def new_playlist(fake, count: int = SIZE, owner: str = "ada") -> str:
    tracks = [fake.track(f"Song {i}", artists=(f"Artist {i % 7}",)) for i in range(count)]
    return fake.add_playlist(owner, "Mix", tracks)


def shuffle(user, pid: str, seed: int | None = None):
    params = {} if seed is None else {"seed": seed}
    return user.post(f"/api/playlists/{pid}/shuffle", {"algorithm": "basic", "params": params})


def current_step_uris(user_id: int, pid: str) -> list:
    record = PlaylistHistory.get(
        (PlaylistHistory.user == user_id) & (PlaylistHistory.playlist_id == pid)
    )
    return next(s for s in history.steps_of(record) if s.seq == record.current_seq).track_uris


def runner_for(spotify_app) -> Runner:
    from shuffify import database

    return Runner(spotify_app.config["shuffify.services"], database.db.obj, 1, 300)


def due_shuffle(user_id: int, pid: str) -> Schedule:
    return Schedule.create(
        user=user_id,
        job_type="shuffle",
        target_playlist_id=pid,
        algorithm_name="basic",
        algorithm_params={},
        schedule_type="interval",
        schedule_value="daily",
        next_run_at=utcnow() - timedelta(minutes=1),
    )


# --- The claim itself ------------------------------------------------------------------------


def test_a_held_playlist_refuses_a_second_claim_until_released(app):
    holder = claims.claim("p1", "shuffle")
    with pytest.raises(claims.PlaylistBusy) as busy:
        claims.claim("p1", "save")
    assert busy.value.status == 409 and busy.value.message == BUSY
    assert busy.value.until > utcnow()
    assert claims.claim("p2", "save")  # another playlist is free
    claims.release("p1", holder)
    assert claims.claim("p1", "save") != holder


def test_only_the_holder_releases_a_claim(app):
    holder = claims.claim("p1", "shuffle")
    claims.release("p1", "someone-else")
    assert PlaylistClaim.get(PlaylistClaim.playlist_id == "p1").holder == holder


def test_a_claim_whose_lease_ran_out_is_taken_over(app):
    claims.claim("p1", "shuffle")
    PlaylistClaim.update(lease_until=utcnow() - timedelta(seconds=1)).execute()
    taken = claims.claim("p1", "completing an interrupted write")
    row = PlaylistClaim.get(PlaylistClaim.playlist_id == "p1")
    assert (row.holder, row.purpose) == (taken, "completing an interrupted write")
    assert PlaylistClaim.select().count() == 1


def test_held_releases_on_errors_too(app):
    with pytest.raises(RuntimeError), claims.held("p1", "shuffle"):
        raise RuntimeError("the change failed")
    assert PlaylistClaim.select().count() == 0


def test_the_heartbeat_extends_a_long_changes_lease(app, monkeypatch):
    monkeypatch.setattr(claims, "LEASE_S", 0.6)
    with claims.held("p1", "shuffle"):
        first = PlaylistClaim.get().lease_until
        wait_until(lambda: PlaylistClaim.get().lease_until > first, "the lease never moved", 10)
        with pytest.raises(claims.PlaylistBusy):
            claims.claim("p1", "save")


# --- A write in flight turns every other writer away -----------------------------------------


class InFlight:
    """A shuffle of the playlist held by the fake at its first write call."""

    def __init__(self, fake, user, pid: str):
        self.hold = fake.hold_next("PUT|POST", ITEMS)
        self.answer = None
        self.thread = threading.Thread(target=self._run, args=(user, pid))
        self.thread.start()
        assert self.hold.reached.wait(30), "the shuffle never reached its first write"

    def _run(self, user, pid):
        self.answer = shuffle(user, pid, seed=7)

    def finish(self):
        self.hold.release()
        self.thread.join(30)
        return self.answer


def test_every_other_writer_is_refused_at_once_while_a_write_is_in_flight(
    ada, fake_spotify, spotify_app
):
    pid = new_playlist(fake_spotify, 250)
    shuffle(ada, pid, seed=1)  # something to undo
    original = fake_spotify.playlist_uris(pid)
    flight = InFlight(fake_spotify, ada, pid)
    refused = [
        shuffle(ada, pid),
        ada.post(f"/api/playlists/{pid}/undo"),
        ada.put(f"/api/playlists/{pid}/tracks", {"track_uris": original[::-1]}),
    ]
    for answer in refused:
        assert (answer.status, answer.json["error"]["message"]) == (409, BUSY), answer.raw
    assert ada.get(f"/api/playlists/{pid}").status == 200  # a read never waits
    done = flight.finish()
    assert done.status == 200, done.raw
    assert fake_spotify.playlist_uris(pid) == done.json["track_uris"]
    assert Counter(done.json["track_uris"]) == Counter(original)
    assert PlaylistClaim.select().count() == 0
    assert shuffle(ada, pid).status == 200  # free again


def test_a_scheduled_run_meeting_a_claim_is_postponed_not_failed(ada, fake_spotify, spotify_app):
    pid = new_playlist(fake_spotify, 250)
    schedule = due_shuffle(ada.user_id, pid)
    flight = InFlight(fake_spotify, ada, pid)
    runner = runner_for(spotify_app)
    assert runner.run_pending() == 1
    (run,) = JobExecution.select().where(JobExecution.schedule == schedule.id)
    assert (run.status, run.error_message) == ("postponed", POSTPONED)
    row = Schedule.get_by_id(schedule.id)
    assert row.consecutive_failures == 0 and row.lease_until is None
    claim_end = PlaylistClaim.get().lease_until
    assert utcnow() < row.next_run_at <= claim_end + timedelta(seconds=2)
    assert flight.finish().status == 200
    Schedule.update(next_run_at=utcnow()).where(Schedule.id == schedule.id).execute()
    assert runner.run_pending() == 1
    statuses = [r.status for r in JobExecution.select().order_by(JobExecution.id)]
    assert statuses == ["postponed", "success"]


def test_a_read_during_a_write_never_takes_its_order_to_write_again(
    ada, fake_spotify, spotify_app
):
    pid = new_playlist(fake_spotify, 250)
    flight = InFlight(fake_spotify, ada, pid)
    record = PlaylistHistory.get(PlaylistHistory.playlist_id == pid)
    assert record.pending_uris is not None  # recorded before the first call
    fake_spotify.reset_calls()
    assert ada.get(f"/api/playlists/{pid}").status == 200
    assert fake_spotify.count("PUT", ITEMS) + fake_spotify.count("POST", ITEMS) == 0
    done = flight.finish()
    assert fake_spotify.playlist_uris(pid) == done.json["track_uris"]


# --- Concurrent writers on a 1,000-item playlist ---------------------------------------------


def run_together(*actions) -> list:
    """Start every action at once (a barrier); their answers' statuses, in order."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        barrier.wait()
        try:
            results[index] = action()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results


def assert_one_write_won(fake, user, pid: str, original: list, statuses: list) -> None:
    assert set(statuses) <= {200, 409, 503}, statuses
    final = fake.playlist_uris(pid)
    assert Counter(final) == Counter(original), "items lost or duplicated"
    assert final == current_step_uris(user.user_id, pid)
    assert PlaylistHistory.get(PlaylistHistory.playlist_id == pid).pending_uris is None


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_shuffles_end_with_exactly_one_of_them(ada, fake_spotify, writers):
    pid = new_playlist(fake_spotify)
    original = fake_spotify.playlist_uris(pid)
    fake_spotify.delay_s = 0.005  # a write takes long enough for the others to meet it
    answers = run_together(*[lambda i=i: shuffle(ada, pid, seed=i) for i in range(writers)])
    statuses = [a.status for a in answers]
    assert 200 in statuses, [a.raw[:200] for a in answers]
    assert_one_write_won(fake_spotify, ada, pid, original, statuses)
    written = [a.json["track_uris"] for a in answers if a.status == 200]
    assert fake_spotify.playlist_uris(pid) in written


def test_a_shuffle_and_a_scheduled_run_end_with_exactly_one_of_them(
    ada, fake_spotify, spotify_app
):
    pid = new_playlist(fake_spotify)
    original = fake_spotify.playlist_uris(pid)
    due_shuffle(ada.user_id, pid)
    runner = runner_for(spotify_app)
    fake_spotify.delay_s = 0.005
    answer, _ = run_together(lambda: shuffle(ada, pid, seed=3), runner.run_pending)
    run = JobExecution.get()
    assert run.status in ("success", "postponed"), run.error_message
    assert answer.status == 200 or run.status == "success", answer.raw
    assert_one_write_won(fake_spotify, ada, pid, original, [answer.status])


def test_a_save_and_an_undo_end_with_exactly_one_of_them(ada, fake_spotify):
    pid = new_playlist(fake_spotify)
    original = fake_spotify.playlist_uris(pid)
    assert shuffle(ada, pid, seed=5).status == 200
    reordered = random.Random(9).sample(original, len(original))
    fake_spotify.delay_s = 0.005
    answers = run_together(
        lambda: ada.put(f"/api/playlists/{pid}/tracks", {"track_uris": reordered}),
        lambda: ada.post(f"/api/playlists/{pid}/undo"),
    )
    statuses = [a.status for a in answers]
    assert 200 in statuses, [a.raw[:200] for a in answers]
    assert_one_write_won(fake_spotify, ada, pid, original, statuses)


# --- Step numbers -----------------------------------------------------------------------------


def test_step_numbers_never_collide_between_concurrent_recordings(ada, fake_spotify):
    """Without claims (record_change called directly), the locked history row still numbers
    steps one after another."""
    from shuffify.models import User

    user = User.get_by_id(ada.user_id)
    live = [f"spotify:track:{i:022d}" for i in range(5)]
    rotations = [live[i:] + live[:i] for i in range(1, 5)]
    record = history.record_change
    run_together(*[lambda r=r: record(user, "p1", live, r, "shuffle", None) for r in rotations])
    stored = PlaylistHistory.get(PlaylistHistory.playlist_id == "p1")
    steps = history.steps_of(stored)
    # the original, the first change, then per later change the order it found and its own
    assert [s.seq for s in steps] == list(range(8))
    assert Counter(s.kind for s in steps) == {"original": 1, "shuffle": 4, "spotify": 3}
    assert stored.current_seq == 7
