"""The playlist tools' pages (issue 20) in a real browser, with conftest.py's fixtures:
Debian's Chromium driven by playwright against `python app.py` and the seeded fake Spotify.

Covered: remove duplicates in the workshop (the dry run's groups with the kept copy marked,
nothing written; then Remove, and the fake holds the kept copies only), for exact duplicates
kept first and same songs kept last; a pin toggled from the keyboard on a row of a virtual
list (aria-pressed, the PUT stored, still pressed after the row scrolled away and back), a
shuffle on the dashboard leaving the pinned track in place, and a pin whose track left shown
as missing; the Keep Date Added switch, preset from the user's setting, sent with the
shuffle (on, every item keeps its added_at on the fake; off, they are stamped anew); the
calls shown before writing are the ones the preview and the cost API answer, on the
dashboard and in the workshop (after a sort, after a move by hand). Screenshots of the tools
at 390 and 1280 px go to /tmp/shuffify-tools-screenshots, checked for overflow and unnamed
controls.
"""

from pathlib import Path

import pytest
from browser_pages import (
    MORNING_RUN,
    UNNAMED_CONTROLS,
    api,
    expect,
    open_page,
    open_workshop,
    sign_in,
    status,
)
from demo_data import DEMO_USER, _playlist, demo_id

SCREENSHOTS = Path("/tmp/shuffify-tools-screenshots")
WIDE = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth)
  .map((e) => e.tagName + " " + (e.id || e.className) + " “" + e.textContent.slice(0, 40) + "” "
    + Math.round(e.getBoundingClientRect().right))"""


def track(fake, name: str, artist: str = "Tool Artist", **options) -> dict:
    made = fake.track(
        name=name,
        artists=(artist,),
        track_id=demo_id("tools", name, artist, str(options)),
        **options,
    )
    made["album"]["images"] = []  # nothing to fetch from Spotify's image host
    return made


def cost_text(calls: dict) -> list[str]:
    return [
        f"Keep Date Added: {calls['keep_added_dates']:,} call",
        f"Fastest: {calls['replace']:,} call",
    ]


def row(page, position: int):
    return page.locator(f'#tracks li.track[aria-rowindex="{position}"]')


# --- remove duplicates ----------------------------------------------------------------------


def test_remove_duplicates_shows_the_dry_run_then_removes_the_right_copies(page, site):
    fake = site.fake
    a, b, c = (track(fake, name) for name in ("Anchor", "Beacon", "Compass"))
    single = track(fake, "Drift", "Tide Band", album="Drift (single)", duration_ms=201_000)
    album = track(fake, "Drift", "Tide Band", album="Open Water", duration_ms=200_000)
    items = [a, b, single, a, c, b, album, a]
    playlist = _playlist(fake, DEMO_USER, "Doubles", items)
    uris = [item["uri"] for item in items]
    sign_in(page, site)
    open_workshop(page, site, playlist)

    # Exact duplicates, the first copy kept: a dry run, nothing written.
    page.get_by_role("button", name="Find duplicates").click()
    groups = page.locator(".dupe-group")
    expect(groups).to_have_count(2)
    expect(groups.nth(0).locator(".kept")).to_have_text("Keep #1 Anchor")
    expect(groups.nth(0).locator(".removed")).to_have_text(["Remove #4 Anchor", "Remove #8 Anchor"])
    expect(groups.nth(1).locator(".kept")).to_have_text("Keep #2 Beacon")
    expect(groups.nth(1).locator(".removed")).to_have_text(["Remove #6 Beacon"])
    expect(page.get_by_role("button", name="Remove 3 copies from Spotify")).to_be_visible()
    assert fake.playlist_uris(playlist) == uris

    # The same song too, the last copy kept: the single and the album version are one group.
    page.get_by_label("Also the same song from another release").check()
    page.get_by_label("The last in the playlist").check()
    page.get_by_role("button", name="Find duplicates").click()
    expect(groups).to_have_count(3)
    expect(page.locator(".dupe-group .kept")).to_have_text(
        ["Keep #6 Beacon", "Keep #7 Drift", "Keep #8 Anchor"]
    )
    expect(groups.nth(1).locator(".removed")).to_have_text(["Remove #3 Drift"])
    page.get_by_role("button", name="Remove 4 copies from Spotify").click()
    expect(status(page)).to_contain_text("Removed 4 copies from Spotify")
    assert fake.playlist_uris(playlist) == [c["uri"], b["uri"], album["uri"], a["uri"]]
    expect(page.locator("#tracks")).to_have_attribute("aria-rowcount", "4")
    expect(row(page, 1).locator(".title")).to_have_text("Compass")

    page.get_by_role("button", name="Find duplicates").click()
    expect(page.locator("#dedupe-result")).to_contain_text("No duplicates found")
    expect(groups).to_have_count(0)


# --- pins -----------------------------------------------------------------------------------


def test_a_pin_toggled_by_keyboard_is_stored_and_a_shuffle_keeps_the_track_there(page, site):
    fake = site.fake
    items = [track(fake, f"Pin Song {i:03}", f"Pin Artist {i % 7}") for i in range(300)]
    playlist = _playlist(fake, DEMO_USER, "Long Pins", items)
    sign_in(page, site)
    open_workshop(page, site, playlist)

    # From the first row's pin button, End goes to the last row, still on its pin button.
    page.get_by_role("button", name="Pin: Pin Song 000").focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowUp")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Pin: Pin Song 298"
    page.keyboard.press("Space")
    toggle = page.get_by_role("button", name="Pin: Pin Song 298")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(status(page)).to_contain_text("Pinned “Pin Song 298” at position 299")
    expect(row(page, 299)).to_have_class("track pinned")
    stored = api(page, "GET", f"/api/playlists/{playlist}/pins")["pins"]
    assert [(p["uri"], p["position"], p["missing"]) for p in stored] == [
        (items[298]["uri"], 298, False)
    ]

    # The row leaves the DOM when scrolled away, and comes back pinned.
    page.locator("#find-query").focus()
    page.locator("#track-scroller").evaluate("s => { s.scrollTop = 0; }")
    expect(row(page, 299)).to_have_count(0)
    page.locator("#track-scroller").evaluate("s => { s.scrollTop = s.scrollHeight; }")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#pins")).to_contain_text("Pin Song 298 — position 299")

    # A shuffle on the dashboard, then one through the API (one UI path is enough here):
    # each changes the order around the pinned track.
    original = fake.playlist_uris(playlist)
    page.goto(site.url + "/")
    page.get_by_role("button", name="Shuffle Long Pins").click()
    page.get_by_label("Seed (optional)").fill("1")
    page.get_by_role("button", name="Shuffle", exact=True).click()
    expect(page.locator("#history-position")).to_have_text("History: step 2 of 2.")
    once = fake.playlist_uris(playlist)
    body = {"algorithm": "basic", "params": {"seed": 2}}
    assert api(page, "POST", f"/api/playlists/{playlist}/shuffle", body)["changed"]
    twice = fake.playlist_uris(playlist)
    for before, after in ((original, once), (once, twice)):
        assert after != before and sorted(after) == sorted(before)
        assert after[298] == items[298]["uri"]

    # Unpinned by keyboard; then a pin whose track was removed and saved is shown missing.
    open_workshop(page, site, playlist)
    moved = fake.playlist_uris(playlist)
    first = next(item["name"] for item in items if item["uri"] == moved[0])
    page.get_by_label("Find in your list").fill("Pin Song 298")  # brings the row into view
    page.get_by_role("button", name="Pin: Pin Song 298").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Pin: Pin Song 298")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(page.locator("#pins")).to_have_text("No pinned tracks.")
    assert api(page, "GET", f"/api/playlists/{playlist}/pins")["pins"] == []
    page.keyboard.press("Home")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=f"Pin: {first}")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#pins li")).to_have_count(1)
    page.get_by_role("button", name=f"Remove: {first}").click()
    page.get_by_role("button", name="Save to Spotify").click()
    expect(status(page)).to_contain_text("Saved to Spotify: 299 tracks")
    expect(page.locator("#pins li.missing")).to_contain_text("no longer in the playlist")
    stored = api(page, "GET", f"/api/playlists/{playlist}/pins")["pins"]
    assert [(p["uri"], p["missing"]) for p in stored] == [(moved[0], True)]


# --- Keep Date Added and what a write costs -------------------------------------------------


def added_dates(fake, playlist: str) -> dict[str, str]:
    return {uri: added_at for uri, added_at, _ in fake.added(playlist)}


def test_keep_date_added_is_preset_sent_and_kept_and_the_costs_are_the_previews(page, site):
    fake = site.fake
    sign_in(page, site)
    api(page, "PATCH", "/api/settings", {"keep_added_dates": True})
    page.reload()
    page.get_by_role("button", name="Shuffle Morning Run").click()
    switch = page.get_by_role("switch", name="Keep Date Added")
    expect(switch).to_be_checked()

    # The cost shown is what the preview answers for the same deterministic sort.
    page.get_by_label("Algorithm").select_option("sort")
    page.get_by_label("By", exact=True).select_option("title")
    preview = api(
        page,
        "POST",
        f"/api/playlists/{MORNING_RUN}/preview",
        {"algorithm": "sort", "params": {"by": "title", "direction": "asc"}},
    )
    for text in cost_text(preview["calls"]):
        expect(page.locator("#shuffle-cost")).to_contain_text(text)
    assert preview["calls"]["keep_added_dates"] > preview["calls"]["replace"]

    # On: the sort is written by moves, every item keeps its date on the fake.
    dates = added_dates(fake, MORNING_RUN)
    page.get_by_role("button", name="Shuffle", exact=True).click()
    expect(status(page)).to_contain_text("Shuffled with Sort")
    assert fake.playlist_uris(MORNING_RUN) == preview["track_uris"]
    assert added_dates(fake, MORNING_RUN) == dates

    # Off: the fastest way, a replace that stamps every item anew.
    page.get_by_label("Algorithm").select_option("basic")
    page.get_by_label("Seed (optional)").fill("3")
    switch.uncheck()
    page.get_by_role("button", name="Shuffle", exact=True).click()
    expect(status(page)).to_contain_text("Shuffled with Basic")
    after = added_dates(fake, MORNING_RUN)
    assert after.keys() == dates.keys()
    assert all(after[uri] > dates[uri] for uri in dates)


def test_the_workshop_shows_what_saving_costs_after_a_sort_and_after_a_move(page, site):
    fake = site.fake
    sign_in(page, site)
    open_workshop(page, site, MORNING_RUN)
    expect(page.locator("#save-cost")).to_be_hidden()  # nothing to save

    page.get_by_label("Sort by").select_option("release_date")
    expect(page.get_by_label("Order")).to_contain_text("Oldest first")
    page.get_by_label("Sort by").select_option("title")
    page.get_by_label("Order").select_option("desc")
    page.get_by_role("button", name="Sort", exact=True).click()
    expect(status(page)).to_contain_text("Sorted by title, z to a")
    staged = page.locator("#tracks li.track").evaluate_all("rows => rows.map(r => r.dataset.uri)")
    preview = api(
        page,
        "POST",
        f"/api/playlists/{MORNING_RUN}/preview",
        {"algorithm": "sort", "params": {"by": "title", "direction": "desc"}},
    )
    assert staged == preview["track_uris"]
    for text in cost_text(preview["calls"]):
        expect(page.locator("#save-cost")).to_contain_text(text)

    # A move by hand: the cost is counted again on request, as the cost API answers it.
    row(page, 1).get_by_role("button", name="Move down").click()
    count = page.get_by_role("button", name="Count the calls to Spotify")
    count.click()
    staged = page.locator("#tracks li.track").evaluate_all("rows => rows.map(r => r.dataset.uri)")
    cost = api(page, "POST", f"/api/playlists/{MORNING_RUN}/tracks/cost", {"track_uris": staged})
    for text in cost_text(cost["calls"]):
        expect(page.locator("#save-cost")).to_contain_text(text)

    # Saved with the switch on (the default here is off): every item keeps its date.
    dates = added_dates(fake, MORNING_RUN)
    page.get_by_role("switch", name="Keep Date Added").check()
    page.get_by_role("button", name="Save to Spotify").click()
    expect(status(page)).to_contain_text(f"in {cost['calls']['keep_added_dates']:,} call")
    assert fake.playlist_uris(MORNING_RUN) == staged
    assert added_dates(fake, MORNING_RUN) == dates


# --- screenshots ----------------------------------------------------------------------------


@pytest.mark.parametrize("width", [390, 1280])
def test_tools_fit_390_and_1280_px(browser, console, site, width):
    fake = site.fake
    a, b = track(fake, "Anchor"), track(fake, "Beacon with a rather long name, Pt. 2")
    others = [track(fake, f"Other {n}") for n in range(8)]  # a shuffle never keeps the order
    playlist = _playlist(fake, DEMO_USER, "Doubles", [a, b, a, b, a, *others])
    context, page = open_page(browser, console, width)
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        sign_in(page, site)
        page.get_by_role("button", name="Shuffle Doubles").click()
        expect(page.locator("#shuffle-cost")).to_contain_text("Keep Date Added:")
        check_and_shoot(page, "dashboard", width)

        open_workshop(page, site, playlist)
        row(page, 2).get_by_role("button", name="Pin: Beacon").click()
        expect(row(page, 2)).to_have_class("track pinned")
        page.get_by_role("button", name="Find duplicates").click()
        expect(page.locator(".dupe-group")).to_have_count(2)
        page.get_by_role("button", name="Sort", exact=True).click()
        expect(page.locator("#save-cost")).to_contain_text("Keep Date Added:")
        check_and_shoot(page, "workshop", width)
    finally:
        context.close()
    assert console.unexpected() == []


def check_and_shoot(page, name: str, width: int) -> None:
    assert page.evaluate(UNNAMED_CONTROLS) == [], name
    page.evaluate("window.scrollTo(0, 0)")
    height = page.evaluate("document.documentElement.scrollHeight")
    for part, top in enumerate(range(0, height, 1200)):  # in parts a person can read
        clip = {"x": 0, "y": top, "width": width, "height": min(1200, height - top)}
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}-{part}.png", full_page=True, clip=clip)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.evaluate(WIDE)
