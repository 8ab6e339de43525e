"""The pages in a real browser (issue 13): Debian's Chromium driven by playwright, against a real
`python app.py` process and the fake Spotify filled with tests/demo_data.py.

Every test fails on any console error or uncaught exception in the page (a CSP violation is a
console error), unless the test names the one error it expects. Covered: sign in and out;
shuffle, undo and redo on the dashboard (the fake's order changes and comes back); in the
workshop a keyboard reorder, a removal, search with paging and an add, then Save to Spotify
(the fake's order is the staged list); the 409 conflict shown as a choice, then overwrite; a
drag and drop; a playlist shared as metadata only; saved sessions (save, load, rename,
delete); upstream sources; adding a whole playlist; schedules created (interval and cron,
shuffle and raid), run now (the history shows the run), edited and paused, a refusal shown
in words; the account deleted. test_screenshots checks every page at 390 and 1280 px (no
horizontal overflow, every control named) and screenshots it to a temporary folder, or to
docs/screenshots/<page>-<width>.png with UPDATE_SCREENSHOTS=1.
"""

import re

import pytest
from browser_pages import (
    DEEP_FOCUS,
    MORNING_RUN,
    VINYL,
    WIDTHS,
    csrf,
    expect,
    open_page,
    open_workshop,
    shoot,
    shoot_between,
    sign_in,
    staged_uris,
    status,
)
from demo_data import DEMO_NAME, DEMO_USER, _playlist, _tracks, playlist_id
from polling import wait_until


def test_sign_in_shows_the_dashboard_and_sign_out_ends_it(page, site):
    sign_in(page, site)
    expect(page.locator("header .user-name")).to_have_text(DEMO_NAME)
    names = page.locator(".card h3").all_inner_texts()
    assert names == [
        "Morning Run",
        "Deep Focus",
        "Road Trip",
        "Sunday Kitchen",
        "Everything, Ever",
        "Band Practice",
    ]
    expect(page.locator(".card", has_text="Everything, Ever")).to_contain_text("1,000 tracks")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(site.url + "/")
    expect(page.get_by_role("link", name="Sign in with Spotify")).to_be_visible()
    page.goto(f"{site.url}/workshop/{MORNING_RUN}")
    assert page.url == site.url + "/"  # signed out: the workshop sends you home


def test_shuffle_undo_and_redo_on_the_dashboard(page, site):
    before = site.fake.playlist_uris(MORNING_RUN)
    sign_in(page, site)
    page.get_by_role("button", name="Shuffle Morning Run").click()
    expect(page.locator("#shuffle-heading")).to_contain_text("Morning Run")
    page.get_by_label("Algorithm").select_option("artist_spacing")
    expect(page.get_by_label("Min spacing")).to_have_value("1")
    page.get_by_label("Seed (optional)").fill("7")
    page.get_by_role("button", name="Shuffle", exact=True).click()
    expect(status(page)).to_contain_text("Shuffled with Artist spacing")
    expect(page.locator("#history-position")).to_have_text("History: step 2 of 2.")
    shuffled = site.fake.playlist_uris(MORNING_RUN)
    assert shuffled != before and sorted(shuffled) == sorted(before)
    expect(page.locator("#redo-button")).to_be_disabled()

    page.get_by_role("button", name="Undo").click()
    expect(status(page)).to_contain_text("Undone")
    expect(page.locator("#history-position")).to_have_text("History: step 1 of 2.")
    assert site.fake.playlist_uris(MORNING_RUN) == before
    expect(page.locator("#undo-button")).to_be_disabled()

    page.get_by_role("button", name="Redo").click()
    expect(status(page)).to_contain_text("Redone")
    assert site.fake.playlist_uris(MORNING_RUN) == shuffled


def test_workshop_reorder_by_keyboard_remove_search_add_and_save(page, site):
    original = site.fake.playlist_uris(MORNING_RUN)
    sign_in(page, site)
    open_workshop(page, site)
    rows = page.locator("#tracks li.track")
    expect(rows).to_have_count(24)
    first_title = rows.nth(0).locator(".title").inner_text()
    expect(page.locator("#modified")).to_be_hidden()

    # Keyboard only: focus the first track's "Move down", press Enter twice.
    rows.nth(0).get_by_role("button", name="Move down").focus()
    page.keyboard.press("Enter")
    expect(rows.nth(1).locator(".title")).to_have_text(first_title)
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == f"Move down: {first_title}"  # focus followed the track
    page.keyboard.press("Enter")
    expect(rows.nth(2).locator(".title")).to_have_text(first_title)
    expect(page.locator("#modified")).to_be_visible()
    expected = [original[1], original[2], original[0], *original[3:]]
    assert staged_uris(page) == expected

    # Remove the fourth track, with the keyboard too.
    rows.nth(3).get_by_role("button", name="Remove").focus()
    page.keyboard.press("Enter")
    del expected[3]
    expect(rows).to_have_count(23)
    assert staged_uris(page) == expected

    # Search (10 a page), page on, add one.
    page.get_by_label("Tracks, artists or albums").fill("Moss")
    page.get_by_label("Tracks, artists or albums").press("Enter")
    results = page.locator("#search-results li")
    expect(results).to_have_count(10)
    expect(page.locator("#search-results .pager")).to_contain_text("1\N{EN DASH}10 of 20")
    page.locator("#search-results").get_by_role("button", name="Next").click()
    expect(page.locator("#search-results .pager")).to_contain_text("11\N{EN DASH}20 of 20")
    added_name = results.nth(0).locator(".text").inner_text().split(" — ")[0]
    results.nth(0).get_by_role("button", name=re.compile("^Add")).click()
    expect(rows).to_have_count(24)
    expect(rows.nth(23).locator(".title")).to_have_text(added_name)
    expect(rows.nth(23).locator(".sub")).to_contain_text("Moss & Mirrors")
    staged = staged_uris(page)
    assert staged[:23] == expected and staged[23] not in original

    page.get_by_role("button", name="Save to Spotify").click()
    expect(status(page)).to_contain_text("Saved to Spotify: 24 tracks")
    assert site.fake.playlist_uris(MORNING_RUN) == staged
    expect(page.locator("#modified")).to_be_hidden()
    assert staged_uris(page) == staged  # reloaded from Spotify: the same list


def test_workshop_conflict_is_a_choice_and_overwrite_saves(page, site, console):
    console.allow(r"status of 409")  # the browser logs the 409 answer itself
    sign_in(page, site)
    open_workshop(page, site)
    page.locator("#tracks li.track").nth(0).get_by_role("button", name="Move down").click()
    staged = staged_uris(page)
    # Meanwhile the playlist changes on Spotify (another device, say).
    answer = page.request.post(
        f"{site.url}/api/playlists/{MORNING_RUN}/shuffle",
        data={"algorithm": "basic", "params": {"seed": 3}},
        headers={"X-CSRF-Token": csrf(page)},
    )
    assert answer.ok
    live = site.fake.playlist_uris(MORNING_RUN)

    page.get_by_role("button", name="Save to Spotify").click()
    conflict = page.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("changed on Spotify since you loaded it")
    assert site.fake.playlist_uris(MORNING_RUN) == live  # nothing written
    expect(page.get_by_role("button", name="Reload from Spotify (drop my changes)")).to_be_focused()
    page.get_by_role("button", name="Overwrite with my list").click()
    expect(status(page)).to_contain_text("Saved to Spotify")
    expect(conflict).to_be_hidden()
    assert site.fake.playlist_uris(MORNING_RUN) == staged


def test_workshop_drag_saved_sessions_sources_and_a_metadata_only_playlist(page, site):
    sign_in(page, site)
    open_workshop(page, site)
    original = staged_uris(page)
    rows = page.locator("#tracks li.track")
    rows.nth(0).drag_to(rows.nth(2))  # drag and drop does what the buttons do
    draft = staged_uris(page)
    assert draft == [original[1], original[2], original[0], *original[3:]]

    page.get_by_label("Name for the current list").fill("Draft A")
    page.get_by_role("button", name="Save session").click()
    expect(page.locator("#sessions")).to_contain_text("Draft A")
    expect(page.locator("#sessions")).to_contain_text("24 tracks")
    page.get_by_role("button", name="Undo changes").click()
    assert staged_uris(page) == original
    page.get_by_role("button", name="Load session Draft A").click()
    assert staged_uris(page) == draft
    expect(page.locator("#modified")).to_be_visible()

    page.get_by_role("button", name="Rename session Draft A").click()
    page.get_by_label("New name for “Draft A”").fill("Draft B")
    page.get_by_role("button", name="Save name").click()
    expect(page.get_by_role("button", name="Load session Draft B")).to_be_visible()
    page.get_by_role("button", name="Delete session Draft B").click()  # confirm() accepted
    expect(page.locator("#sessions")).to_have_text("No saved sessions.")

    # Upstream sources: one of mine, then remove it.
    page.get_by_label("One of my playlists").select_option(DEEP_FOCUS)
    page.locator("#source-own-form").get_by_role("button", name="Add source").click()
    expect(page.locator("#sources")).to_contain_text("Deep Focus")
    page.get_by_role("button", name="Remove source Deep Focus").click()
    expect(page.locator("#sources")).to_have_text("No sources.")

    # Someone else's playlist: Spotify shares its details only, and the page says why.
    page.get_by_label("Spotify playlist link, URI or ID").fill(
        f"https://open.spotify.com/playlist/{VINYL}"
    )
    page.locator("#external-form").get_by_role("button", name="Load").click()
    expect(page.locator("#external-results")).to_contain_text("Theo's Vinyl Finds")
    expect(page.locator("#external-results")).to_contain_text("shares only this playlist")
    expect(page.locator("#recent")).to_contain_text("Theo's Vinyl Finds")

    # Add a whole playlist of mine at the end.
    page.get_by_label("Playlist", exact=True).select_option(playlist_id("Road Trip"))
    page.get_by_role("button", name="Show tracks").click()
    page.get_by_role("button", name="Add all 40 tracks").click()
    expect(page.locator("#tracks li.track")).to_have_count(64)


def test_schedule_create_run_now_history_edit_and_pause(page, site, console):
    console.allow(r"status of 400")  # the refused raid at the end
    before = site.fake.playlist_uris(DEEP_FOCUS)
    sign_in(page, site)
    page.get_by_role("link", name="Schedules").click()
    expect(page.locator("#schedule-count")).to_have_text("(0 / 5 configured)")
    page.get_by_label("What to do").select_option("shuffle")
    page.get_by_label("Playlist to change").select_option(label="Deep Focus")
    page.get_by_label("Algorithm").select_option("basic")
    page.get_by_label("Every…").check()
    page.get_by_label("Interval").select_option("daily")
    page.get_by_role("button", name="Create schedule").click()
    card = page.locator(".schedule", has_text="Shuffle: Deep Focus")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Daily")
    expect(card.locator("dd").nth(3)).to_have_text(re.compile("never"))
    expect(page.locator("#schedule-count")).to_have_text("(1 / 5 configured)")

    page.get_by_role("button", name="Run Shuffle: Deep Focus now").click()
    runs = card.locator(".runs tbody tr")
    expect(runs.first).to_have_attribute("data-status", "success", timeout=30_000)
    expect(runs.first).to_contain_text("manual")
    expect(status(page)).to_contain_text("The run finished: success")
    expect(card).to_contain_text("success")
    wait_until(lambda: site.fake.playlist_uris(DEEP_FOCUS) != before, "the shuffle")

    page.get_by_role("button", name="Edit Shuffle: Deep Focus").click()
    page.get_by_label("Interval").select_option("weekly")
    page.get_by_role("button", name="Save changes").click()
    expect(card).to_contain_text("Weekly")

    page.get_by_role("button", name="Pause Shuffle: Deep Focus").click()
    expect(card.locator(".badge").first).to_have_text("paused")
    expect(page.get_by_role("button", name="Resume Shuffle: Deep Focus")).to_be_visible()

    # A raid needs sources: the API's refusal is shown in words.
    page.get_by_label("What to do").select_option("raid")
    expect(page.locator("#algorithm-block")).to_be_hidden()
    page.get_by_role("button", name="Create schedule").click()
    expect(status(page)).to_contain_text("source_playlist_ids must name at least one playlist")
    expect(status(page)).to_have_class(re.compile("error"))

    # A raid on a cron timer from a checked playlist of mine and a link, run now.
    band_practice = playlist_id("Band Practice")
    page.get_by_label("Playlist to change").select_option(label="Deep Focus")
    page.get_by_label("Road Trip").check()
    page.get_by_label("Other playlists: links, one per line").fill(
        f"https://open.spotify.com/playlist/{band_practice}"
    )
    page.get_by_label("Cron expression (UTC)").check()
    page.get_by_label("Cron expression", exact=True).fill("0 7 * * 1-5")
    page.get_by_role("button", name="Create schedule").click()
    raid = page.locator(".schedule", has_text="Raid: Deep Focus")
    expect(raid).to_contain_text("Cron “0 7 * * 1-5” (UTC)")
    expect(raid).to_contain_text("2 sources (Road Trip, Band Practice)")
    page.get_by_role("button", name="Run Raid: Deep Focus now").click()
    raid_run = raid.locator(".runs tbody tr").first
    expect(raid_run).to_have_attribute("data-status", "success", timeout=30_000)
    new_tracks = set(site.fake.playlist_uris(playlist_id("Road Trip"))) | set(
        site.fake.playlist_uris(band_practice)
    )
    added = len(new_tracks - set(before))
    expect(raid_run.locator("td").nth(2)).to_have_text(str(added))
    assert len(site.fake.playlist_uris(DEEP_FOCUS)) == len(before) + added


def test_delete_account_signs_out(page, site):
    sign_in(page, site)
    page.goto(site.url + "/privacy")
    page.get_by_role("button", name="Delete my account and all my data").click()
    page.wait_for_url(re.compile(r"/\?deleted=1$"))
    expect(page.locator(".notice")).to_contain_text("are deleted")
    expect(page.get_by_role("link", name="Sign in with Spotify")).to_be_visible()
    assert page.request.get(site.url + "/api/me").status == 401


# --- screenshots ----------------------------------------------------------------------------


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_screenshots(browser, console, site, width, screenshots):
    """Every page at 390 and 1280 px, with the fake's data (into docs/screenshots/ when
    UPDATE_SCREENSHOTS=1)."""
    context, page = open_page(browser, console, width)
    try:
        page.goto(site.url + "/")
        shoot(page, screenshots, "landing", width)
        sign_in(page, site)
        page.get_by_role("button", name="Shuffle Road Trip").click()
        page.get_by_label("Seed (optional)").fill("42")
        page.get_by_role("button", name="Shuffle", exact=True).click()
        expect(status(page)).to_contain_text("Shuffled with Basic")
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, screenshots, "dashboard", width)

        open_workshop(page, site, playlist_id("Sunday Kitchen"))
        page.locator("#tracks li.track").nth(1).get_by_role("button", name="Move up").click()
        page.get_by_label("Tracks, artists or albums").fill("Quiet Arcade")
        page.get_by_label("Tracks, artists or albums").press("Enter")
        expect(page.locator("#search-results li")).to_have_count(10)
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, screenshots, "workshop", width)

        page.goto(site.url + "/schedules")
        page.get_by_label("Playlist to change").select_option(label="Morning Run")
        page.get_by_role("button", name="Create schedule").click()
        page.get_by_role("button", name="Run Shuffle: Morning Run now").click()
        expect(page.locator(".runs tbody tr").first).to_have_attribute(
            "data-status", "success", timeout=30_000
        )
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, screenshots, "schedules", width)

        for name in ("terms", "privacy"):
            page.goto(f"{site.url}/{name}")
            shoot(page, screenshots, name, width)
    finally:
        context.close()
    assert console.unexpected() == []


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_screenshots_of_the_workshop_tools(browser, console, site, width, screenshots):
    """The workshop's tools at 390 and 1280 px (workshop-tools-<width>.png): two pinned
    tracks, and Remove duplicates with its groups shown, from the playlist's name down to the
    Pinned tracks panel."""
    tracks = _tracks(site.fake, ("Nova Quay",), albums=1, songs=8)
    items = [*tracks[:3], tracks[1], *tracks[3:6], tracks[4], tracks[1], *tracks[6:]]
    doubles = _playlist(site.fake, DEMO_USER, "Nova Quay, twice over", items)
    context, page = open_page(browser, console, width)
    try:
        sign_in(page, site)
        open_workshop(page, site, doubles)
        for position in (1, 3):
            row = page.locator(f'#tracks li.track[aria-rowindex="{position}"]')
            row.get_by_role("button", name=re.compile("^Pin: ")).click()
            expect(row).to_have_class(re.compile(r"\bpinned\b"))
        expect(page.locator("#pins li")).to_have_count(2)
        page.get_by_role("button", name="Find duplicates").click()
        expect(page.locator(".dupe-group")).to_have_count(2)
        expect(page.get_by_role("button", name="Remove 3 copies from Spotify")).to_be_visible()
        page.evaluate("window.scrollTo(0, 0)")
        shoot_between(
            page,
            screenshots,
            "workshop-tools",
            width,
            ".workshop-head",
            'section[aria-labelledby="pins-heading"]',
        )
    finally:
        context.close()
    assert console.unexpected() == []


# --- versions (issue 19) ---------------------------------------------------------------------


def test_versions_back_up_notice_of_outside_changes_and_restore(page, site):
    original = site.fake.playlist_uris(MORNING_RUN)
    sign_in(page, site)
    open_workshop(page, site)
    page.get_by_label("Label for a backup (optional)").fill("Before the edits")
    page.get_by_role("button", name="Back up now").click()
    expect(status(page)).to_contain_text("Backed up 24 tracks")
    expect(page.locator("#snapshots li")).to_have_count(1)
    # A save that drops five tracks, then a track added in Spotify's app.
    saved = page.request.put(
        f"{site.url}/api/playlists/{MORNING_RUN}/tracks",
        data={"track_uris": original[5:]},
        headers={"X-CSRF-Token": csrf(page)},
    )
    assert saved.ok
    outside = site.fake.track("Added on the phone")
    outside["album"]["images"] = []  # no cover to fetch from Spotify's image host
    site.fake.append_items(MORNING_RUN, [outside])
    open_workshop(page, site)
    expect(page.locator("#outside-changes")).to_contain_text("1 track added")

    page.get_by_role("button", name="Restore Before the edits").click()
    question = page.locator("#restore-question")
    expect(question).to_contain_text("1 track added on Spotify since will be kept")
    expect(question).to_contain_text("Nothing will be skipped")
    assert page.evaluate("document.activeElement.id") == "restore-confirm"
    page.keyboard.press("Enter")
    expect(status(page)).to_contain_text("Restored “Before the edits”: kept 1 track added since")
    assert site.fake.playlist_uris(MORNING_RUN) == [*original, outside["uri"]]
    expect(page.locator("#tracks li.track")).to_have_count(25)
    assert staged_uris(page) == [*original, outside["uri"]]
    labels = page.locator("#snapshots li .text").all_inner_texts()
    assert any(text.startswith("before restore of snapshot") for text in labels), labels


def test_export_all_and_import_a_playlist_on_the_dashboard(page, site, tmp_path):
    uris = site.fake.playlist_uris(DEEP_FOCUS)[:3]
    local = "spotify:local:Band:Demo:Garage+Take:200"
    rows = ['"Track URI","Track Name"', *(f'"{uri}","x"' for uri in [uris[0], local, *uris[1:]])]
    upload = tmp_path / "exportify.csv"
    upload.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    sign_in(page, site)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export all").click()
    assert download.value.suggested_filename.startswith("shuffify-export-")
    page.get_by_label("Import a playlist").set_input_files(str(upload))
    page.get_by_label("Name for the new playlist (optional)").fill("From Exportify")
    page.get_by_role("button", name="Import as a new private playlist").click()
    expect(status(page)).to_contain_text("Imported “From Exportify”: 3 tracks. 1 entry skipped")
    link = page.get_by_role("link", name="Open “From Exportify” in the workshop")
    new_id = link.get_attribute("href").rsplit("/", 1)[1]
    assert site.fake.playlist_uris(new_id) == uris
    assert site.fake.details(new_id)["public"] is False
    link.click()
    expect(page.locator("#tracks li.track")).to_have_count(3)
