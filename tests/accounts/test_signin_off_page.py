"""/login when sign-in is off (no SPOTIFY_CLIENT_ID): a browser gets an HTML page saying
what to set and where the README tells how; an API client still gets the JSON error."""


def test_a_browser_gets_a_page_saying_what_to_set(client):
    page = client.get("/login", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status == 503
    assert page.headers["Content-Type"].startswith("text/html")
    text = page.raw.decode()
    assert "SPOTIFY_CLIENT_ID" in text and "SPOTIFY_CLIENT_SECRET" in text
    assert "Sign in with Spotify (local set-up)" in text


def test_an_api_client_still_gets_json(client):
    answer = client.get("/login", headers={"Accept": "application/json"})
    assert answer.status == 503
    assert "SPOTIFY_CLIENT_ID" in answer.json["error"]["message"]
