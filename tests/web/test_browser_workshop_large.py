"""The workshop on a 10,000-item playlist (issue 24), with conftest.py's fixtures: a virtual
list keeps the page small (under 5,000 DOM nodes, text nodes included, after the load, a
scroll to the end and moves), tells its size to screen readers (aria-rowcount 10,000, each
row its aria-rowindex), the last track is reachable by scrolling and by the End key, moves by
button, by Alt+Arrow and by drag and drop land in the list that is saved to Spotify, the
focus stays on the moved track, and "Find in your list" brings a match into view; at 390
and 1280 px, without horizontal overflow or unnamed controls. No timings are asserted here:
those are measured by scripts/bench-pages.
"""

import pytest
from browser_pages import (
    UNNAMED_CONTROLS,
    expect,
    open_page,
    sign_in,
    status,
)
from demo_data import DEMO_USER, _playlist, demo_id

ITEMS = 10_000
DOM_LIMIT = 5_000
NODES = """() => {
  let nodes = 0;
  const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
  while (walker.nextNode()) nodes += 1;
  return nodes;
}"""


def add_large_playlist(fake) -> tuple[str, list[str]]:
    tracks = []
    for i in range(ITEMS):
        track = fake.track(
            name=f"Bench Song {i}",
            artists=(f"Bench Artist {i % 250}",),
            album=f"Bench Album {i // 10}",
            track_id=demo_id("large", str(i)),
        )
        track["album"]["images"] = []  # nothing to fetch from Spotify's image host
        tracks.append(track)
    playlist = _playlist(fake, DEMO_USER, "Ten Thousand", tracks)  # a cover as data: URI
    return playlist, [t["uri"] for t in tracks]


def row(page, position: int):
    return page.locator(f'#tracks li.track[aria-rowindex="{position}"]')


def focused_label(page) -> str:
    return page.evaluate("document.activeElement.getAttribute('aria-label')")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_10000_item_workshop_stays_small_reaches_the_end_moves_and_saves(
    browser, console, site, width
):
    playlist, uris = add_large_playlist(site.fake)
    context, page = open_page(browser, console, width)
    try:
        sign_in(page, site)
        page.goto(f"{site.url}/workshop/{playlist}")
        tracks = page.locator("#tracks")
        expect(tracks).to_have_attribute("aria-rowcount", str(ITEMS))
        expect(tracks).to_have_attribute("role", "grid")
        expect(page.locator("#progress")).to_be_hidden()
        expect(row(page, 1).locator(".title")).to_have_text("Bench Song 0")
        assert page.evaluate(NODES) < DOM_LIMIT
        assert page.evaluate(UNNAMED_CONTROLS) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        # The last item, by scrolling the list.
        page.locator("#track-scroller").evaluate("s => { s.scrollTop = s.scrollHeight; }")
        last = row(page, ITEMS)
        expect(last.locator(".title")).to_have_text(f"Bench Song {ITEMS - 1}")
        last.scroll_into_view_if_needed()
        expect(last).to_be_visible()
        expect(last.get_by_role("button", name="Move down")).to_be_disabled()
        assert page.evaluate(NODES) < DOM_LIMIT

        # A move by button: the track and the focus go one up.
        last.get_by_role("button", name="Move up").click()
        expect(row(page, ITEMS - 1).locator(".title")).to_have_text(f"Bench Song {ITEMS - 1}")
        expect(row(page, ITEMS).locator(".title")).to_have_text(f"Bench Song {ITEMS - 2}")
        assert focused_label(page) == f"Move up: Bench Song {ITEMS - 1}"
        expect(page.locator("#modified")).to_be_visible()

        # Keyboard: Home goes to the first track (far outside the rendered rows), Alt+Down
        # moves it, and the focus follows it.
        page.keyboard.press("Home")
        assert focused_label(page) == "Move down: Bench Song 0"  # "Move up" is disabled there
        page.keyboard.press("Alt+ArrowDown")
        expect(row(page, 2).locator(".title")).to_have_text("Bench Song 0")
        expect(row(page, 1).locator(".title")).to_have_text("Bench Song 1")
        assert focused_label(page).endswith(": Bench Song 0")
        page.keyboard.press("End")
        expect(row(page, ITEMS)).to_be_visible()
        assert focused_label(page).endswith(f": Bench Song {ITEMS - 2}")
        assert page.evaluate(NODES) < DOM_LIMIT

        # Drag and drop, near the top: the third track onto the fifth.
        page.locator("#track-scroller").evaluate("s => { s.scrollTop = 0; }")
        row(page, 3).drag_to(row(page, 5))
        expect(row(page, 5).locator(".title")).to_have_text("Bench Song 2")
        expect(row(page, 3).locator(".title")).to_have_text("Bench Song 3")

        # Find in the list: the match is brought into view and marked.
        page.get_by_label("Find in your list").fill("bench song 5000")
        expect(page.locator("#find-count")).to_contain_text("1 of 1")
        found = page.locator("#tracks li.track.found")
        expect(found.locator(".title")).to_have_text("Bench Song 5000")
        expect(found).to_have_attribute("aria-rowindex", "5001")
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        if width == 1280:
            page.get_by_role("button", name="Save to Spotify").click()
            expect(status(page)).to_contain_text(f"Saved to Spotify: {ITEMS:,}", timeout=60_000)
            middle = [uris[3], uris[4], uris[2], *uris[5 : ITEMS - 2]]
            expected = [uris[1], uris[0], *middle, uris[ITEMS - 1], uris[ITEMS - 2]]
            assert site.fake.playlist_uris(playlist) == expected
    finally:
        context.close()
    assert console.unexpected() == []
