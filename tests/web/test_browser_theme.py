"""The themes in a real browser (issue 23), with conftest.py's fixtures: on every signed-in
page (dashboard, workshop, schedules, rules, settings, activity), in the light theme, the dark
one and "system" on a device that prefers dark, every visible button, input, select, link,
badge and the status line (a message and an error) has text at a contrast of 4.5:1 or more
(WCAG AA) against the background it is drawn on, worked out from the computed styles.
Screenshots of each page, per theme, at 390 and 1280 px go to /tmp/shuffify-theme-screenshots.
"""

from pathlib import Path
from urllib.parse import urljoin

import pytest
from browser_pages import (
    MORNING_RUN,
    WIDTHS,
    csrf,
    expect,
    open_workshop,
    sign_in,
)
from demo_data import playlist_id

SCREENSHOTS = Path("/tmp/shuffify-theme-screenshots")
ROAD_TRIP = playlist_id("Road Trip")
PAGES = ("dashboard", "workshop", "schedules", "rules", "settings", "activity")
AA = 4.5

# Each visible control with text: its text colour and the background under it, both as
# painted: every ancestor's background-color composited from the page up, each element's
# opacity applied to what it draws (exact for plain colours; images and shadows are not
# read). Disabled controls are left out, as WCAG leaves them out.
LOW_CONTRAST = """(minimum) => {
  const rgba = (text) => {
    const [r, g, b, a = 1] = text.match(/[\\d.]+/g).map(Number);
    return [r, g, b, a];
  };
  const over = ([r, g, b, a], below) => [r, g, b].map((c, i) => a * c + (1 - a) * below[i]);
  const mix = (below, above, t) => below.map((c, i) => (1 - t) * c + t * above[i]);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  const painted = (chain, text) => {
    const paint = (i, below) => {
      if (i === chain.length) return text ? over(text, below) : below;
      const style = getComputedStyle(chain[i]);
      const inside = paint(i + 1, over(rgba(style.backgroundColor), below));
      return mix(below, inside, Number(style.opacity));
    };
    return paint(0, [255, 255, 255]);
  };
  const textOf = (e) => (e.matches("input, select, textarea")
    ? (e.value || e.placeholder || (e.selectedOptions?.[0]?.text ?? "")) : e.textContent).trim();
  const controls = [...document.querySelectorAll(
    "button, input:not([type=checkbox], [type=radio], [type=hidden], [type=range], [type=file]), "
    + "select, textarea, a[href], .badge, .tag, #status:not(:empty)")];
  const found = [];
  for (const e of controls) {
    const box = e.getBoundingClientRect();
    if (!e.checkVisibility({ visibilityProperty: true }) || !box.width || !box.height) continue;
    if (e.disabled || !textOf(e)) continue;
    const chain = [];
    for (let n = e; n; n = n.parentElement) chain.unshift(n);
    const background = painted(chain, null);
    const colours = [getComputedStyle(e).color];
    if (e.placeholder && !e.value) colours.push(getComputedStyle(e, "::placeholder").color);
    for (const colour of colours) {
      const contrast = ratio(painted(chain, rgba(colour)), background);
      if (contrast < minimum) {
        found.push(`${e.tagName.toLowerCase()}.${e.className} “${textOf(e).slice(0, 30)}” `
          + `${colour} on rgb(${background.map(Math.round)}): ${contrast.toFixed(2)}`);
      }
    }
  }
  return found;
}"""


def api(page, method: str, path: str, body: dict | None = None) -> dict:
    """A call of the app's API as the signed-in page (its cookie and CSRF token)."""
    token = csrf(page)
    answer = page.request.fetch(
        urljoin(page.url, path), method=method, data=body, headers={"X-CSRF-Token": token}
    )
    assert answer.ok, answer.text()
    return answer.json()


def fill_the_pages(page) -> None:
    """Something on every page: a shuffle (activity, undo), a snapshot, a schedule, a rule."""
    api(page, "POST", f"/api/playlists/{MORNING_RUN}/shuffle", {"algorithm": "basic"})
    api(page, "POST", f"/api/playlists/{MORNING_RUN}/snapshots", {"label": "Before the party"})
    schedule = {
        "job_type": "shuffle",
        "target_playlist_id": MORNING_RUN,
        "algorithm_name": "basic",
        "schedule_type": "interval",
        "schedule_value": "daily",
    }
    api(page, "POST", "/api/schedules", schedule)
    rule = {
        "name": "Road Trip newest",
        "target_playlist_id": ROAD_TRIP,
        "sources": [{"type": "target"}],
        "filters": [{"type": "limit", "count": 10, "from": "newest"}],
        "sink": {"mode": "replace"},
    }
    api(page, "POST", "/api/rules", rule)


def open_and_wait(page, site, name: str) -> None:
    if name == "workshop":
        open_workshop(page, site, MORNING_RUN)
        return
    page.goto(site.url + ("/" if name == "dashboard" else f"/{name}"))
    expect(page.locator("#progress")).to_be_hidden()
    if name == "rules":
        expect(page.locator("#rules-loading")).to_be_hidden()


def themed_page(browser, console, width: int, device: str):
    """A page on a device whose colour scheme is `device`, its errors going to console."""
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]}, color_scheme=device
    )
    page = context.new_page()
    page.on("console", lambda m: console.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console.errors.append(f"uncaught: {error}"))
    return context, page


def low_contrast_with_status(page, shot: Path) -> list[str]:
    """The page as loaded, then with a message (screenshot) and with an error in the status
    line."""
    found = page.evaluate(LOW_CONTRAST, AA)
    page.evaluate("window.Shuffify.say('Saved: the status line in this theme.')")
    page.screenshot(path=shot)
    found += page.evaluate(LOW_CONTRAST, AA)
    page.evaluate(
        "window.Shuffify.fail(new window.Shuffify.ApiError(400, 'Refused: an error here.', {}))"
    )
    found += page.evaluate(LOW_CONTRAST, AA)
    return found


@pytest.mark.parametrize(
    ("theme", "device", "width"),
    [
        ("light", "light", 1280),
        ("light", "light", 390),
        ("dark", "light", 1280),
        ("dark", "light", 390),
        ("system", "dark", 1280),
    ],
)
def test_every_control_has_aa_text_contrast_in_the_theme(
    browser, console, site, theme, device, width
):
    context, page = themed_page(browser, console, width, device)
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        sign_in(page, site)
        api(page, "PATCH", "/api/settings", {"theme": theme})
        fill_the_pages(page)
        found = {}
        for name in PAGES:
            open_and_wait(page, site, name)
            expect(page.locator("html")).to_have_attribute("data-theme", theme)
            shot = SCREENSHOTS / f"{theme}-{device}-{name}-{width}.png"
            found[name] = low_contrast_with_status(page, shot)
    finally:
        context.close()
    assert found == {name: [] for name in PAGES}
    assert console.unexpected() == []


def test_the_dark_theme_paints_controls_and_the_status_line_dark(browser, console, site):
    """The claim behind the contrast check: in the dark theme no control is left white."""
    context, page = themed_page(browser, console, 1280, "light")
    try:
        sign_in(page, site)
        api(page, "PATCH", "/api/settings", {"theme": "dark"})
        page.goto(site.url + "/settings")
        expect(page.locator("#progress")).to_be_hidden()
        page.evaluate("window.Shuffify.say('Saved.')")
        backgrounds = page.evaluate(
            """() => Object.fromEntries(
              [["sign out", "button.quiet"], ["select", "#theme"], ["status", "#status"],
               ["input", "input[type=text], input:not([type])"]]
              .map(([name, css]) => [name, getComputedStyle(document.querySelector(css))
                .backgroundColor]))"""
        )
    finally:
        context.close()
    bright = {name: colour for name, colour in backgrounds.items() if luminance(colour) > 0.2}
    assert bright == {}, backgrounds
    assert console.unexpected() == []


def luminance(colour: str) -> float:
    """WCAG relative luminance of a computed rgb()/rgba() colour."""
    parts = [float(p) for p in colour[colour.index("(") + 1 : -1].split(",")[:3]]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (p / 255 for p in parts)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
