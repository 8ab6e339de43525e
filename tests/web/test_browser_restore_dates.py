"""A restore from the workshop's Versions panel sends the Keep Date Added switch (issues 19 and
20), in a real browser with conftest.py's fixtures: on, the request says so and every item
keeps its added_at on the fake Spotify (the restore is done with moves); off, the request says
so and every item is stamped anew (a replace).
"""

from browser_pages import (
    MORNING_RUN,
    csrf,
    expect,
    open_workshop,
    sign_in,
    status,
)


def added_dates(fake) -> dict[str, str]:
    return {uri: added_at for uri, added_at, _ in fake.added(MORNING_RUN)}


def reverse_on_spotify(page, site) -> None:
    """Save the playlist reversed, as another tab would, then reload the workshop."""
    reversed_uris = site.fake.playlist_uris(MORNING_RUN)[::-1]
    token = csrf(page)
    saved = page.request.put(
        f"{site.url}/api/playlists/{MORNING_RUN}/tracks",
        data={"track_uris": reversed_uris},
        headers={"X-CSRF-Token": token},
    )
    assert saved.ok, saved.text()
    assert site.fake.playlist_uris(MORNING_RUN) == reversed_uris
    open_workshop(page, site, MORNING_RUN)


def restore_with_the_switch(page, keep: bool) -> dict:
    """Set the switch, restore the backup, and return the body the page sent."""
    page.get_by_role("switch", name="Keep Date Added").set_checked(keep)
    page.get_by_role("button", name="Restore Before the reversal").click()
    with page.expect_request(lambda r: r.url.endswith("/restore")) as sent:
        page.locator("#restore-confirm").click()
    expect(status(page)).to_contain_text("Restored “Before the reversal”")
    return sent.value.post_data_json


def test_a_restore_sends_keep_date_added_on_dates_kept_off_stamped_anew(page, site):
    fake = site.fake
    original = fake.playlist_uris(MORNING_RUN)
    sign_in(page, site)
    open_workshop(page, site, MORNING_RUN)
    page.get_by_label("Label for a backup (optional)").fill("Before the reversal")
    page.get_by_role("button", name="Back up now").click()
    expect(status(page)).to_contain_text("Backed up 24 tracks")

    # On: the restore is done with moves, every item keeps the date it had.
    reverse_on_spotify(page, site)
    dates = added_dates(fake)
    assert restore_with_the_switch(page, keep=True) == {"keep_added_dates": True}
    assert fake.playlist_uris(MORNING_RUN) == original
    assert added_dates(fake) == dates

    # Off: the fastest way, a replace that stamps every item anew.
    reverse_on_spotify(page, site)
    dates = added_dates(fake)
    assert restore_with_the_switch(page, keep=False) == {"keep_added_dates": False}
    assert fake.playlist_uris(MORNING_RUN) == original
    after = added_dates(fake)
    assert after.keys() == dates.keys()
    assert all(after[uri] > dates[uri] for uri in dates)


def test_a_restore_refuses_a_keep_added_dates_that_is_not_true_or_false(page, site):
    sign_in(page, site)
    open_workshop(page, site, MORNING_RUN)
    page.get_by_role("button", name="Back up now").click()
    expect(page.locator("#snapshots li.snapshot")).to_have_count(1)
    token = csrf(page)
    snapshot = page.request.get(f"{site.url}/api/playlists/{MORNING_RUN}/snapshots")
    path = f"{site.url}/api/snapshots/{snapshot.json()['snapshots'][0]['id']}/restore"
    for body, says in [({"keep_added_dates": "yes"}, "true or false"), ({"keep": True}, "keep")]:
        answer = page.request.post(path, data=body, headers={"X-CSRF-Token": token})
        assert answer.status == 400, answer.text()
        assert says in answer.text()
