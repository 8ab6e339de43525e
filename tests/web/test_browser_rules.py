"""The rules page in a real browser (issue 21), with conftest.py's fixtures: a ready-made
rule in three clicks from the dashboard, previewed as a diff, saved, run now (the fake's
playlist changes as the preview said), scheduled and deleted; the morning template's daily
schedule; a refused value shown next to its input in the API's words; Liked Songs without the
permission (the message and a sign-in link) and with it; the inbox accepted and dismissed with
the keyboard; the page at 390 and 1280 px (no horizontal overflow, every control named).
Every test fails on a console error it does not name.
"""

import re

import pytest
from browser_pages import (
    MORNING_RUN,
    VINYL,
    WIDTHS,
    api,
    csrf,
    expect,
    open_page,
    shoot,
    sign_in,
    status,
)
from demo_data import DEMO_USER, playlist_id

EVERYTHING = playlist_id("Everything, Ever")
DEEP_FOCUS = playlist_id("Deep Focus")
ROAD_TRIP = playlist_id("Road Trip")
NEWEST = "Keep this playlist's newest 100 tracks"
MORNING = "Add new tracks from these playlists every morning"
LIKED = "Weekly mix of my Liked Songs' last 30 days"
SEARCH = "Review new tracks from a search"


def open_rules(page) -> None:
    """The nav's Rules link, then wait until the ready-made rules can be used."""
    page.get_by_role("link", name="Rules", exact=True).click()
    expect(page.get_by_role("heading", name="Rules", exact=True)).to_be_visible()
    expect(page.locator("#rules-loading")).to_be_hidden()


def rule_card(page, name: str):
    return page.locator("li.rule", has=page.get_by_role("heading", name=name, exact=True))


def run_now(page, name: str) -> None:
    page.get_by_role("button", name=f"Run {name} now").click()
    expect(status(page)).to_contain_text(f"“{name}” ran", timeout=30_000)


# --- flows ----------------------------------------------------------------------------------


def test_a_ready_made_rule_in_three_clicks_previewed_saved_run_scheduled_and_deleted(
    page, site, screenshots
):
    sign_in(page, site)
    open_rules(page)  # click 1
    page.get_by_role("button", name=NEWEST).click()  # click 2
    expect(page.get_by_role("heading", name="New rule")).to_be_visible()
    page.get_by_label("Playlist the rule changes").select_option(label="Everything, Ever")  # 3
    step = page.locator("#filters li.step")
    expect(step).to_have_count(1)
    expect(step.locator('[data-param="count"]')).to_have_value("100")
    expect(step.locator('[data-param="from"]')).to_have_value("newest")
    expect(page.get_by_label("Replace the playlist with the result")).to_be_checked()

    page.get_by_role("button", name="Preview", exact=True).click()
    preview = page.locator("#editor-preview")
    expect(preview.locator(".summary")).to_have_text(
        "“Everything, Ever” would have 100 tracks: +0 added, \N{MINUS SIGN}900 removed."
    )
    expect(preview.locator(".diff-side.removed h4")).to_have_text("Removed (900)")
    expect(preview.locator(".diff-side.removed li")).to_have_count(51)  # 50 and "and 850 more"
    expect(preview.locator(".diff-side.removed li").last).to_have_text("and 850 more tracks")
    expect(preview.locator(".source-report")).to_contain_text(
        "The tracks already in the playlist: 1,000 tracks"
    )
    expect(preview).to_contain_text("Nothing is written by a preview.")
    first_removed = preview.locator(".diff-side.removed li").first
    removed_uri = first_removed.get_attribute("data-uri")
    assert removed_uri in site.fake.playlist_uris(EVERYTHING)
    expect(first_removed).not_to_have_text(removed_uri)  # a name, not the URI
    assert len(site.fake.playlist_uris(EVERYTHING)) == 1000, "a preview wrote"
    page.evaluate("window.scrollTo(0, 0)")  # the sticky status line at the top of the shot
    shoot(page, screenshots, "rules-editor", 1280)

    page.get_by_role("button", name="Save rule").click()
    expect(status(page)).to_have_text("Saved “Newest 100”.")
    card = rule_card(page, "Newest 100")
    expect(card.locator("dl")).to_contain_text("Everything, Ever")
    expect(card.locator(".last-run")).to_have_text("never")
    expect(card.locator(".next-run")).to_have_text("not scheduled")
    rule = api(page, "GET", "/api/rules")["rules"][0]
    assert (rule["sources"], rule["filters"], rule["sink"], rule["order"]) == (
        [{"type": "target"}],
        [{"type": "limit", "count": 100, "from": "newest"}],
        {"mode": "replace"},
        None,
    )

    card.get_by_role("button", name="Preview: Newest 100").click()
    expect(card.locator(".rule-panel .summary")).to_have_text(
        "“Everything, Ever” would have 100 tracks: +0 added, \N{MINUS SIGN}900 removed."
    )
    listed = card.locator(".rule-panel .removed li[data-uri]")
    expect(listed).to_have_count(50)
    expected = api(page, "POST", f"/api/rules/{rule['id']}/preview")["track_uris"]
    assert len(expected) == 100
    assert not set(expected) & set(listed.evaluate_all("r => r.map(e => e.dataset.uri)"))
    run_now(page, "Newest 100")
    assert site.fake.playlist_uris(EVERYTHING) == expected
    expect(status(page)).to_contain_text("0 tracks added, 900 removed")
    expect(card.locator(".last-run .badge")).to_have_text("success")
    runs = card.locator(".rule-panel tbody tr")
    expect(runs).to_have_count(1)
    expect(runs.first).to_have_attribute("data-status", "success")

    card.get_by_role("button", name="Schedule: Newest 100").click()
    timing = card.get_by_label("Run “Newest 100” automatically")
    expect(timing.locator("option")).to_have_text(
        ["Every hour", "Every day", "Every morning at 7:00", "Every week"]
    )
    timing.select_option("weekly")
    card.get_by_role("button", name="Create schedule").click()
    expect(status(page)).to_contain_text("Scheduled “Newest 100”: it runs every week")
    expect(card.locator(".next-run")).to_contain_text("then every week")
    made = api(page, "GET", "/api/schedules")["schedules"]
    assert [(s["job_type"], s["rule_id"], s["schedule_value"]) for s in made] == [
        ("rule", rule["id"], "weekly")
    ]

    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    card.get_by_role("button", name="Delete Newest 100").click()
    expect(status(page)).to_have_text("Deleted “Newest 100”.")
    assert "Delete the rule “Newest 100”, its runs and inbox and its schedule?" in dialogs[0]
    expect(page.locator("#rule-list")).to_contain_text("No rules yet")
    assert api(page, "GET", "/api/rules")["rules"] == []
    assert api(page, "GET", "/api/schedules")["schedules"] == []


def test_the_morning_template_adds_new_tracks_and_offers_a_schedule_every_morning(page, site):
    morning, deep = site.fake.playlist_uris(MORNING_RUN), site.fake.playlist_uris(DEEP_FOCUS)
    new = [uri for uri in dict.fromkeys(deep) if uri not in morning]
    sign_in(page, site)
    open_rules(page)
    page.get_by_role("button", name=MORNING).click()
    page.get_by_label("Playlist the rule changes").select_option(label="Morning Run")
    source = page.locator("#sources li.step")
    expect(source).to_have_count(1)
    source.get_by_label("A playlist: playlist id").select_option(label="Deep Focus")
    match = page.get_by_label("No duplicates: match")
    expect(match).to_have_value("same_song")
    match.select_option(label="exact copies")
    expect(
        page.get_by_label("Add new tracks: those the playlist does not have yet")
    ).to_be_checked()

    page.get_by_role("button", name="Preview", exact=True).click()
    preview = page.locator("#editor-preview")
    expect(preview.locator(".diff-side.added h4")).to_have_text(f"Added ({len(new)})")
    expect(preview.locator(".diff-side.removed h4")).to_have_text("Removed (0)")
    added = preview.locator(".diff-side.added li").evaluate_all("r => r.map(e => e.dataset.uri)")
    assert added == new
    page.get_by_role("button", name="Save rule").click()

    offer = page.locator("#offer")
    expect(offer).to_contain_text(
        "Saved “Morning raid”. Run it automatically, every morning at 7:00?"
    )
    expect(offer.get_by_role("button", name="Yes, every morning at 7:00")).to_be_focused()
    page.keyboard.press("Enter")
    expect(status(page)).to_contain_text("it runs every morning at 7:00")
    expect(offer).to_be_hidden()
    schedule = api(page, "GET", "/api/schedules")["schedules"][0]
    rule = api(page, "GET", "/api/rules")["rules"][0]
    assert (schedule["job_type"], schedule["rule_id"]) == ("rule", rule["id"])
    assert (schedule["schedule_type"], schedule["schedule_value"]) == ("cron", "0 7 * * *")
    card = rule_card(page, "Morning raid")
    expect(card.locator(".next-run")).to_contain_text("then every morning at 7:00")

    run_now(page, "Morning raid")
    assert site.fake.playlist_uris(MORNING_RUN) == morning + new


def test_a_refused_value_is_shown_in_the_apis_words_next_to_its_input(page, site, console):
    """Also: a rule from scratch is ordered by the user's default algorithm unless changed."""
    console.allow(r"status of 400")  # the browser logs the refused request itself
    sign_in(page, site)
    api(page, "PATCH", "/api/settings", {"default_algorithm": "artist_spacing"})
    open_rules(page)
    page.get_by_role("button", name="Start from scratch").click()
    expect(page.get_by_label("Then order the tracks")).to_have_value("artist_spacing")
    page.get_by_label("Name").fill("Too far back")
    page.get_by_role("button", name="+ A playlist").click()
    page.get_by_label("Add a filter").select_option(label="No duplicates")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_label("Add a filter").select_option(label="Added recently")
    page.get_by_role("button", name="Add", exact=True).click()
    days = page.get_by_label("Added recently: days")
    expect(days).to_have_value("30")
    expect(page.locator("#filters li.step").nth(1)).to_contain_text("Only tracks added in the last")
    days.fill("5000")

    page.get_by_role("button", name="Preview", exact=True).click()
    message = "filters[1].days: must be a whole number from 1 to 3650"
    expect(page.locator("#form-error")).to_have_text(message)
    expect(days).to_have_attribute("aria-invalid", "true")
    expect(days).to_be_focused()
    field_error = page.locator("#filters li.step").nth(1).locator(".field-error")
    expect(field_error).to_have_text("must be a whole number from 1 to 3650")
    expect(status(page)).to_have_text(message)

    days.fill("14")
    page.get_by_role("button", name="Save rule").click()
    expect(status(page)).to_have_text("Saved “Too far back”.")
    saved = api(page, "GET", "/api/rules")["rules"][0]
    assert saved["filters"] == [
        {"type": "dedupe", "match": "same_song"},
        {"type": "added_within_days", "days": 14},
    ]
    assert saved["order"]["algorithm"] == "artist_spacing"  # the user's default algorithm

    rule_card(page, "Too far back").get_by_role("button", name="Edit Too far back").click()
    expect(page.get_by_role("heading", name="Edit “Too far back”")).to_be_visible()
    expect(days).to_have_value("14")
    days.fill("7")
    page.get_by_role("button", name="Move up: Added recently").click()
    expect(page.locator("#filters li.step").first).to_have_attribute(
        "data-type", "added_within_days"
    )
    page.get_by_label("Then order the tracks").select_option("")
    page.get_by_role("button", name="Save changes").click()
    expect(status(page)).to_have_text("Saved “Too far back”.")
    edited = api(page, "GET", f"/api/rules/{saved['id']}")
    assert (edited["filters"][0]["days"], edited["order"]) == (7, None)
    expect(rule_card(page, "Too far back").locator("dl")).to_contain_text(
        "Only tracks added in the last 7 days"
    )


def test_liked_songs_need_the_permission_then_the_mix_keeps_the_last_30_days(page, site, console):
    console.allow(r"status of 403")
    recent = [site.fake.track(f"Liked lately {n}") for n in range(3)]
    site.fake.like(DEMO_USER, [site.fake.track("Liked long ago")], added_at="2020-01-01T00:00:00Z")
    site.fake.like(DEMO_USER, recent)
    sign_in(page, site)
    site.fake.drop_scope(DEMO_USER, "user-library-read")
    open_rules(page)
    page.get_by_role("button", name=LIKED).click()
    expect(page.get_by_label("Added recently: days")).to_have_value("30")
    page.get_by_role("button", name="Preview", exact=True).click()
    notice = page.locator("#signin-needed")
    expect(notice).to_contain_text("Sign in again to let Shuffify read your Liked Songs.")
    refused = page.request.post(
        site.url + "/api/rules/preview",
        data={"name": "x", "target_playlist_id": ROAD_TRIP, "sources": [{"type": "liked"}]},
        headers={"X-CSRF-Token": csrf(page)},
    )
    assert refused.status == 403
    href = notice.get_by_role("link", name="Sign in again").get_attribute("href")
    assert href == refused.json()["error"].get("signin_url", "/login")  # the API's link if given

    page.goto(site.url + href)  # the link: the fake grants every scope asked for
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(site.url + "/rules")
    expect(page.locator("#rules-loading")).to_be_hidden()
    page.get_by_role("button", name=LIKED).click()
    page.get_by_label("Playlist the rule changes").select_option(label="Road Trip")
    page.get_by_role("button", name="Preview", exact=True).click()
    preview = page.locator("#editor-preview")
    expect(preview.locator(".summary")).to_have_text(
        "“Road Trip” would have 3 tracks: +3 added, \N{MINUS SIGN}40 removed."
    )
    added = preview.locator(".diff-side.added li").evaluate_all("r => r.map(e => e.dataset.uri)")
    assert sorted(added) == sorted(t["uri"] for t in recent)
    for track in recent:  # named, or else a link to the track on Spotify
        item = preview.locator(f'.diff-side.added li[data-uri="{track["uri"]}"]')
        expect(item).to_contain_text(re.compile(f"{track['name']}|Track {track['id']}"))
    expect(preview.locator(".source-report")).to_have_text("My Liked Songs: 4 tracks")
    assert len(site.fake.playlist_uris(ROAD_TRIP)) == 40


def test_the_inbox_is_accepted_and_dismissed_with_the_keyboard(page, site):
    target = site.fake.playlist_uris(MORNING_RUN)
    sign_in(page, site)
    open_rules(page)
    page.get_by_role("button", name=SEARCH).click()
    query = page.get_by_label("A search: query")
    expect(query).to_be_focused()
    page.keyboard.type("Quiet Arcade")
    page.get_by_label("Playlist the rule changes").select_option(label="Morning Run")
    expect(
        page.get_by_label("Let me review new tracks first: they wait in the rule's inbox")
    ).to_be_checked()
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("#editor-preview .staged h4")).to_have_text("Would wait in the inbox (20)")
    page.get_by_role("button", name="Save rule").click()
    expect(status(page)).to_have_text("Saved “New from a search”.")
    run_now(page, "New from a search")
    assert site.fake.playlist_uris(MORNING_RUN) == target  # an inbox rule writes nothing

    card = rule_card(page, "New from a search")
    card.get_by_role("button", name="Inbox: New from a search").click()
    rows = card.locator(".inbox-list li")
    expect(rows).to_have_count(20)
    staged = rows.evaluate_all("r => r.map(e => e.dataset.uri)")
    rows.first.locator("input").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(card.get_by_text("2 tracks selected.")).to_be_visible()
    card.get_by_role("button", name="Accept selected").focus()
    page.keyboard.press("Enter")
    expect(status(page)).to_have_text("Added 2 tracks to “Morning Run”.")
    expect(rows).to_have_count(18)
    assert site.fake.playlist_uris(MORNING_RUN) == target + staged[:2]

    expect(rows.first.locator("input")).to_be_focused()
    page.keyboard.press("Space")
    card.get_by_role("button", name="Dismiss selected").focus()
    page.keyboard.press("Enter")
    expect(status(page)).to_contain_text("Dismissed 1 track")
    expect(rows).to_have_count(17)
    rule = api(page, "GET", "/api/rules")["rules"][0]
    left = api(page, "GET", f"/api/rules/{rule['id']}/inbox")["items"]
    assert [item["uri"] for item in left] == staged[3:]
    assert site.fake.playlist_uris(MORNING_RUN) == target + staged[:2]


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_rules_page_fits_the_width_and_names_every_control(
    browser, console, site, width, screenshots
):
    """The list (a withheld source named in a preview, an open inbox), then the editor with
    a preview."""
    context, page = open_page(browser, console, width)
    try:
        sign_in(page, site)
        api(
            page,
            "POST",
            "/api/rules",
            {
                "name": "Road Trip finds from a long search name that wraps",
                "target_playlist_id": ROAD_TRIP,
                "sources": [
                    {"type": "search", "query": "Delphine Roux", "limit": 12},
                    {"type": "playlist", "playlist_id": DEEP_FOCUS},
                    {"type": "playlist", "playlist_id": VINYL},
                ],
                "combine": "alternate",
                "filters": [
                    {"type": "dedupe", "match": "same_song"},
                    {"type": "max_per_artist", "count": 2},
                ],
                "sink": {"mode": "inbox", "max_size": 300},
            },
        )
        open_rules(page)
        run_now(page, "Road Trip finds from a long search name that wraps")
        page.get_by_role("button", name="Preview: Road Trip finds").click()
        withheld = page.locator(".rule-panel .source-report .withheld")
        expect(withheld).to_have_count(1)
        expect(withheld).to_contain_text("Tracks of “a playlist you cannot change”: not used, ")
        expect(withheld).to_contain_text("Spotify shares only this playlist's details")
        page.get_by_role("button", name="Inbox: Road Trip finds").click()
        expect(page.locator(".inbox-list li").first).to_be_visible()
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, screenshots, "rules", width)

        page.get_by_role("button", name=MORNING).click()
        page.get_by_label("Add a filter").select_option(label="Keep N tracks")
        page.get_by_role("button", name="Add", exact=True).click()
        page.get_by_label("Keep at most").check()
        page.get_by_label("Move what goes to").check()
        page.get_by_role("button", name="Preview", exact=True).click()
        expect(page.locator("#editor-preview .summary")).to_be_visible()
        page.evaluate("window.scrollTo(0, 0)")
        shoot(page, screenshots, "rules-new", width)
    finally:
        context.close()
    assert console.unexpected() == []
