"""The account pages in a real browser (issue 23), with conftest.py's fixtures: settings
saved (a refusal names its field, the theme applies at once, the dashboard preselects the
default algorithm); the activity page (a shuffle listed, filters, "Load more", times in the
user's zone, "restore to before this"); login sessions ended from the settings page; the
dashboard at 390 px: the filter narrows the tiles, a favourite moves first, hide and "Show
hidden", kept across a reload. Every page is checked for overflow and unnamed controls, and
every test fails on a console error it does not name.
"""

from browser_pages import (
    MORNING_RUN,
    csrf,
    expect,
    open_page,
    shoot,
    sign_in,
    status,
)


def settings_loaded(page) -> None:
    expect(page.get_by_label("Time zone")).not_to_have_value("")
    expect(page.locator("#progress")).to_be_hidden()


def test_settings_saved_refusal_named_theme_applied_and_default_preselected(
    page, site, console, screenshots
):
    console.allow(r"status of 400")  # the browser logs the refused PATCH itself
    sign_in(page, site)
    page.goto(site.url + "/settings")
    settings_loaded(page)
    expect(page.get_by_label("Time zone")).to_have_value("UTC")
    expect(page.get_by_label("Theme")).to_have_value("system")
    shoot(page, screenshots, "settings", 1280)

    page.get_by_label("Time zone").fill("Mars/Olympus_Mons")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#settings-error")).to_contain_text("timezone must be an IANA time zone")
    expect(page.get_by_label("Time zone")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("document.activeElement.id") == "timezone"
    page.get_by_label("Automatic snapshots kept").fill("500")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#settings-error")).to_contain_text("Automatic snapshots kept")
    expect(page.get_by_label("Automatic snapshots kept")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Default algorithm").select_option("artist_spacing")
    page.get_by_label("Min spacing").fill("3")
    page.get_by_label('Keep "added" dates when reordering').check()
    page.get_by_label("Automatic snapshots kept").fill("12")
    page.get_by_label("Time zone").fill("Asia/Tokyo")
    page.get_by_label("Theme").select_option("dark")
    page.get_by_role("button", name="Save settings").click()
    expect(status(page)).to_have_text("Settings saved.")
    expect(page.locator("#settings-error")).to_be_hidden()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(18, 22, 20)", background  # the dark theme's --bg, no reload
    saved = page.request.get(site.url + "/api/settings").json()["settings"]
    assert saved == {
        "default_algorithm": "artist_spacing",
        "default_params": {**saved["default_params"], "min_spacing": 3},
        "keep_added_dates": True,
        "auto_snapshots_kept": 12,
        "timezone": "Asia/Tokyo",
        "theme": "dark",
    }

    page.reload()
    settings_loaded(page)
    expect(page.locator("html")).to_have_attribute("data-timezone", "Asia/Tokyo")
    expect(page.get_by_label("Min spacing")).to_have_value("3")
    expect(page.get_by_label('Keep "added" dates when reordering')).to_be_checked()
    expect(page.get_by_label("Theme")).to_have_value("dark")

    page.goto(site.url + "/")
    page.get_by_role("button", name="Shuffle Morning Run").click()
    expect(page.get_by_label("Algorithm")).to_have_value("artist_spacing")
    expect(page.get_by_label("Min spacing")).to_have_value("3")


def test_activity_lists_a_shuffle_filters_loads_more_and_restores(page, site):
    before = site.fake.playlist_uris(MORNING_RUN)
    sign_in(page, site)
    token = csrf(page)
    zone = page.request.patch(
        site.url + "/api/settings", data={"timezone": "Asia/Tokyo"}, headers={"X-CSRF-Token": token}
    )
    assert zone.ok
    shuffled = page.request.post(
        f"{site.url}/api/playlists/{MORNING_RUN}/shuffle",
        data={"algorithm": "basic", "params": {"seed": 5}},
        headers={"X-CSRF-Token": token},
    )
    assert shuffled.ok
    assert site.fake.playlist_uris(MORNING_RUN) != before
    for theme in ["light", "dark"] * 28:  # 56 more "settings" rows: more than one page
        assert page.request.patch(
            site.url + "/api/settings", data={"theme": theme}, headers={"X-CSRF-Token": token}
        ).ok

    page.goto(site.url + "/activity")
    rows = page.locator("#activity li.activity")
    expect(rows).to_have_count(50)
    expect(page.get_by_role("button", name="Load more")).to_be_visible()
    page.get_by_role("button", name="Load more").click()
    expect(rows).to_have_count(59)  # sign-in, 57 settings, the shuffle
    expect(page.get_by_role("button", name="Load more")).to_be_hidden()

    page.get_by_label("What").select_option("shuffle")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text("Morning Run")
    expect(row).to_have_attribute("data-kind", "shuffle")
    at = row.locator("time").get_attribute("datetime")
    tokyo, utc = page.evaluate(
        """(iso) => ["Asia/Tokyo", "UTC"].map((timeZone) => new Date(iso + "Z")
             .toLocaleString(undefined, {dateStyle: "medium", timeStyle: "short", timeZone}))""",
        at,
    )
    assert tokyo != utc
    expect(row.locator("time")).to_have_text(tokyo)

    page.get_by_label("What").select_option("")
    page.get_by_label("Playlist").select_option(label="Deep Focus")
    expect(page.locator("#activity li")).to_have_count(1)
    expect(page.locator("#activity")).to_contain_text("Nothing here yet.")
    page.get_by_label("Playlist").select_option(label="Morning Run")
    expect(rows).to_have_count(1)

    restore = row.get_by_role("button", name="Restore Morning Run to before this shuffle")
    restore.focus()
    page.keyboard.press("Enter")  # the fixture accepts the confirm()
    expect(status(page)).to_contain_text("Restored “Morning Run” to before the shuffle")
    assert site.fake.playlist_uris(MORNING_RUN) == before
    expect(rows.first).to_have_attribute("data-kind", "restore")
    expect(rows).to_have_count(2)


def test_sessions_list_ends_one_then_all_others(browser, console, site, screenshots):
    contexts = []
    try:
        pages = []
        for _ in range(3):
            context, one = open_page(browser, console)
            contexts.append(context)
            sign_in(one, site)
            pages.append(one)
        mine, other, third = pages
        mine.goto(site.url + "/settings")
        sessions = mine.locator("#sessions li.session")
        expect(sessions).to_have_count(3)
        expect(mine.locator('#sessions li[data-current="true"]')).to_have_count(1)
        expect(mine.locator('#sessions li[data-current="true"]')).to_contain_text("this browser")
        expect(sessions.first).to_contain_text("Chrom")
        expect(mine.locator('#sessions li[data-current="true"] button')).to_have_count(0)
        expect(mine.locator("#sign-ins li")).to_have_count(3)
        expect(mine.locator("#sign-ins")).to_contain_text("Signed in on")

        first_other = mine.locator('#sessions li.session:not([data-current="true"])').first
        first_other.get_by_role("button", name="End").click()
        expect(status(mine)).to_contain_text("Ended the session on")
        expect(sessions).to_have_count(2)
        expect(mine.locator("#sign-ins li").first).to_contain_text("Ended a session")

        mine.get_by_role("button", name="End all other sessions").click()
        expect(status(mine)).to_contain_text("Ended 1 other session.")
        expect(sessions).to_have_count(1)
        expect(mine.get_by_role("button", name="End all other sessions")).to_be_disabled()
        for ended in (other, third):
            ended.goto(site.url + "/settings")
            assert ended.url == site.url + "/"  # signed out: sent home
            expect(ended.get_by_role("link", name="Sign in with Spotify")).to_be_visible()
        with mine.expect_download() as download:
            mine.get_by_role("link", name="Download my data").click()
        assert download.value.suggested_filename == "shuffify-data.json"
        assert "settings" in download.value.path().read_text()
    finally:
        for context in contexts:
            context.close()
    assert console.unexpected() == []


def test_dashboard_at_390_filter_favourite_hide_and_show_hidden(
    browser, console, site, screenshots
):
    context, page = open_page(browser, console, 390)
    try:
        sign_in(page, site)
        cards = page.locator(".card")
        visible = page.locator(".card:visible")
        expect(cards).to_have_count(6)
        page.get_by_label("Filter playlists").fill("de")
        expect(visible).to_have_count(1)
        expect(visible.locator("h3")).to_have_text("Deep Focus")
        expect(page.locator("#filter-count")).to_have_text("1 playlist shown of 6")
        page.get_by_label("Filter playlists").fill("")
        expect(visible).to_have_count(6)

        star = page.get_by_role("button", name="Favourite Band Practice")
        expect(star).to_have_attribute("aria-pressed", "false")
        star.focus()
        page.keyboard.press("Enter")
        expect(cards.first.locator("h3")).to_have_text("Band Practice")
        expect(page.get_by_role("button", name="Favourite Band Practice")).to_have_attribute(
            "aria-pressed", "true"
        )
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
            "Favourite Band Practice"
        )  # focus followed the tile

        page.get_by_role("button", name="Hide Road Trip").focus()
        page.keyboard.press("Enter")
        expect(visible).to_have_count(5)
        expect(page.locator(".card", has_text="Road Trip")).to_be_hidden()
        expect(page.locator("#filter-count")).to_have_text("5 playlists shown of 6 (1 hidden)")
        expect(page.locator("#progress")).to_be_hidden()
        prefs = page.request.get(site.url + "/api/playlists/preferences").json()
        band = page.locator(".card", has_text="Band Practice").get_attribute("data-playlist-id")
        road = page.locator(".card", has_text="Road Trip").get_attribute("data-playlist-id")
        assert prefs["favourites"] == [band] and prefs["order"][0] == band
        assert prefs["hidden"] == [road]

        page.reload()
        expect(cards).to_have_count(6)
        expect(cards.first.locator("h3")).to_have_text("Band Practice")
        expect(visible).to_have_count(5)
        page.get_by_label("Show hidden").check()
        expect(visible).to_have_count(6)
        expect(page.get_by_role("button", name="Hide Road Trip")).to_have_attribute(
            "aria-pressed", "true"
        )
        page.get_by_label("Filter playlists").fill("road")
        expect(visible).to_have_count(1)
        shoot(page, screenshots, "dashboard-filter", 390)
        for name in ("settings", "activity"):
            page.goto(f"{site.url}/{name}")
            expect(page.locator("#progress")).to_be_hidden()
            shoot(page, screenshots, name, 390)
    finally:
        context.close()
    assert console.unexpected() == []


def test_since_last_visit_lists_a_schedule_run_linking_to_its_activity_row(page, site):
    sign_in(page, site)
    expect(page.locator("#since-last-visit")).to_be_hidden()  # nothing has run yet
    token = csrf(page)
    created = page.request.post(
        site.url + "/api/schedules",
        data={
            "job_type": "shuffle",
            "target_playlist_id": MORNING_RUN,
            "target_playlist_name": "Morning Run",
            "schedule_type": "interval",
            "schedule_value": "daily",
            "source_playlist_ids": [],
            "algorithm_name": "basic",
            "algorithm_params": {},
        },
        headers={"X-CSRF-Token": token},
    )
    assert created.ok, created.text()
    schedule = created.json()
    schedule_id = schedule.get("id") or schedule["schedule"]["id"]
    ran = page.request.post(
        f"{site.url}/api/schedules/{schedule_id}/run", headers={"X-CSRF-Token": token}
    )
    assert ran.ok, ran.text()
    runs = page.locator("#since-list li")
    for _ in range(30):  # the runner polls every second
        page.reload()
        expect(page.locator(".card").first).to_be_visible()
        if page.locator("#since-last-visit").is_visible():
            break
        page.wait_for_timeout(500)
    expect(runs).to_have_count(1)
    expect(runs.first).to_contain_text("Morning Run")
    link = runs.first.get_by_role("link")
    row_id = link.get_attribute("href").split("#", 1)[1]
    link.click()
    expect(page.locator(f"#{row_id}")).to_have_attribute("data-kind", "schedule run")


def test_an_activity_answer_for_filters_changed_since_is_dropped(page, site):
    sign_in(page, site)
    page.goto(site.url + "/activity")
    expect(page.locator("#activity li.activity").first).to_be_visible()  # the sign-in

    held = []
    page.route(lambda url: url.endswith("/api/activity?kind=sign-in"), lambda r: held.append(r))
    page.get_by_label("What").select_option("sign-in")  # its answer is held back
    page.get_by_label("Playlist").select_option(label="Deep Focus")  # answered at once
    expect(page.locator("#activity")).to_contain_text("Nothing here yet.")
    assert len(held) == 1
    held[0].continue_()  # the older answer arrives last: the list stays the newer one's
    page.wait_for_load_state("networkidle")
    expect(page.locator("#activity")).to_contain_text("Nothing here yet.")
    expect(page.locator("#activity li.activity")).to_have_count(0)
