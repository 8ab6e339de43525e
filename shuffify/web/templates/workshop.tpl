% rebase('base.tpl')
<div class="workshop" id="workshop" data-playlist-id="{{playlist_id}}">
  <div class="workshop-head">
    <h1 id="playlist-name">Workshop</h1>
    <p id="playlist-meta" class="muted">Loading the playlist…</p>
    <div class="toolbar" role="group" aria-label="Staged list">
      <span id="modified" class="badge modified" hidden>Modified</span>
      <span id="staged-count" class="muted"></span>
      <button type="button" id="reset-button" disabled>Undo changes</button>
      <button type="button" id="save-button" class="primary" disabled>Save to Spotify</button>
    </div>
    <div class="save-options">
      <div class="param checkbox switch">
        <input type="checkbox" role="switch" id="keep-added-dates" aria-describedby="keep-added-dates-hint"{{!' checked' if prefs['keep_added_dates'] else ''}}>
        <label for="keep-added-dates">Keep Date Added</label>
        <span class="hint" id="keep-added-dates-hint">When saving or removing duplicates, each track keeps the date it was added to the playlist. It takes more calls to Spotify, so it is slower.</span>
      </div>
      <p id="save-cost" class="cost small" aria-live="polite" hidden></p>
    </div>
    <div id="outside-changes" class="notice" role="status" hidden></div>
    <div id="conflict" class="conflict" role="alert" hidden>
      <p id="conflict-message"></p>
      <div class="actions">
        <button type="button" id="conflict-reload">Reload from Spotify (drop my changes)</button>
        <button type="button" id="conflict-overwrite" class="danger">Overwrite with my list</button>
      </div>
    </div>
  </div>
  <section class="tracks-section" aria-labelledby="tracks-heading">
    <h2 id="tracks-heading">Tracks</h2>
    <p class="small muted">Move tracks with the buttons (or drag them, or Alt+Up and Alt+Down), then save to Spotify. Up, Down, Home and End go from track to track.</p>
    <form id="find-form" class="inline-form find-form" role="search" aria-label="Your list">
      <label for="find-query">Find in your list</label>
      <input id="find-query" name="find" type="search" maxlength="200" autocomplete="off">
      <button type="submit">Next match</button>
      <span id="find-count" class="small muted" aria-live="polite"></span>
    </form>
    <div id="track-scroller" class="track-scroller">
      <ol id="tracks" class="tracks virtual" role="grid" aria-labelledby="tracks-heading" aria-rowcount="0"></ol>
    </div>
  </section>
  <div class="side">
    <section class="panel" aria-labelledby="sort-heading">
      <h2 id="sort-heading">Sort</h2>
      <form id="sort-form" class="stack">
        <label for="sort-by">Sort by</label>
        <select id="sort-by" name="by">
          <option value="title">Title</option>
          <option value="artist">Artist</option>
          <option value="album">Album</option>
          <option value="release_date">Release date</option>
          <option value="duration">Duration</option>
          <option value="added_at">Date added</option>
        </select>
        <label for="sort-direction">Order</label>
        <select id="sort-direction" name="direction">
          <option value="asc">A to Z</option>
          <option value="desc">Z to A</option>
        </select>
        <div class="actions">
          <button type="submit">Sort</button>
          <button type="button" id="newest-first" aria-describedby="newest-first-hint">Newest first</button>
        </div>
        <p id="newest-first-hint" class="small muted">Newest first: the tracks added to the playlist last go to the top.</p>
      </form>
      <p class="small muted">Sorting changes the list here (pinned tracks stay where they are); nothing reaches Spotify until you save.</p>
    </section>
    <section class="panel" aria-labelledby="dedupe-heading">
      <h2 id="dedupe-heading">Remove duplicates</h2>
      <form id="dedupe-form" class="stack">
        <fieldset>
          <legend>What counts as a duplicate</legend>
          <div class="radio"><input type="radio" id="dedupe-exact" name="match" value="exact" checked><label for="dedupe-exact">The same track added more than once</label></div>
          <div class="radio"><input type="radio" id="dedupe-same-song" name="match" value="same_song"><label for="dedupe-same-song">Also the same song from another release (a single and its album, a remaster)</label></div>
        </fieldset>
        <fieldset>
          <legend>Which copy stays</legend>
          <div class="radio"><input type="radio" id="dedupe-first" name="keep" value="first" checked><label for="dedupe-first">The first in the playlist</label></div>
          <div class="radio"><input type="radio" id="dedupe-last" name="keep" value="last"><label for="dedupe-last">The last in the playlist</label></div>
        </fieldset>
        <div class="actions"><button type="submit">Find duplicates</button></div>
      </form>
      <div id="dedupe-result" class="dedupe-result" aria-live="polite"></div>
    </section>
    <section class="panel" aria-labelledby="pins-heading">
      <h2 id="pins-heading">Pinned tracks</h2>
      <p class="small muted">A pinned track stays at its position whenever the playlist is shuffled or sorted: here, on the dashboard and by schedules. Pin a track with the pin button on its row.</p>
      <ul id="pins" class="plain-list"></ul>
    </section>
    <section class="panel" aria-labelledby="preview-heading">
      <h2 id="preview-heading">Shuffle preview</h2>
      <form id="preview-form" class="stack">
        <label for="algorithm">Algorithm</label>
        <select id="algorithm" name="algorithm"></select>
        <p id="algorithm-description" class="small muted"></p>
        <fieldset id="params" class="params"><legend>Settings</legend></fieldset>
        <div class="actions"><button type="submit">Preview</button></div>
      </form>
      <p class="small muted">A preview only changes the list here; nothing reaches Spotify until you save.</p>
    </section>
    <section class="panel" aria-labelledby="search-heading">
      <h2 id="search-heading">Search Spotify</h2>
      <form id="search-form" class="inline-form" role="search">
        <label for="search-query">Tracks, artists or albums</label>
        <input id="search-query" name="q" type="search" required maxlength="200" autocomplete="off">
        <button type="submit">Search</button>
      </form>
      <div id="search-results" class="results"></div>
    </section>
    <section class="panel" aria-labelledby="own-heading">
      <h2 id="own-heading">Add from my playlists</h2>
      <form id="own-form" class="inline-form">
        <label for="own-playlist">Playlist</label>
        <select id="own-playlist" name="playlist"></select>
        <button type="submit">Show tracks</button>
      </form>
      <div id="own-results" class="results"></div>
    </section>
    <section class="panel" aria-labelledby="external-heading">
      <h2 id="external-heading">Load a playlist by link</h2>
      <form id="external-form" class="inline-form">
        <label for="external-url">Spotify playlist link, URI or ID</label>
        <input id="external-url" name="url" type="text" required autocomplete="off"
               placeholder="https://open.spotify.com/playlist/…">
        <button type="submit">Load</button>
      </form>
      <div id="external-results" class="results"></div>
      <h3 class="small-heading">Recently loaded</h3>
      <ul id="recent" class="plain-list"></ul>
    </section>
    <section class="panel" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Saved sessions</h2>
      <form id="session-form" class="inline-form">
        <label for="session-name">Name for the current list</label>
        <input id="session-name" name="session_name" type="text" required maxlength="255">
        <button type="submit">Save session</button>
      </form>
      <ul id="sessions" class="plain-list"></ul>
    </section>
    <section class="panel" aria-labelledby="sources-heading">
      <h2 id="sources-heading">Upstream sources</h2>
      <p class="small muted">Playlists that feed this one: a scheduled raid with no sources of its own adds their new tracks here.</p>
      <ul id="sources" class="plain-list"></ul>
      <form id="source-own-form" class="inline-form">
        <label for="source-own">One of my playlists</label>
        <select id="source-own" name="source"></select>
        <button type="submit">Add source</button>
      </form>
      <form id="source-url-form" class="inline-form">
        <label for="source-url">Or a playlist link</label>
        <input id="source-url" name="source_url" type="text" required autocomplete="off">
        <button type="submit">Add source</button>
      </form>
    </section>
    <section class="panel" id="versions" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      <p class="small muted">Shuffify keeps the version every change replaces, and your own backups. A restore keeps what was added on Spotify since.</p>
      <form id="backup-form" class="inline-form">
        <label for="backup-label">Label for a backup (optional)</label>
        <input id="backup-label" name="label" type="text" maxlength="100" autocomplete="off">
        <button type="submit">Back up now</button>
      </form>
      <ul id="snapshots" class="plain-list"></ul>
      <div id="snapshot-detail" class="snapshot-detail" aria-live="polite" hidden></div>
      <p class="small">Export the playlist:
        <a href="/api/playlists/{{playlist_id}}/export?format=json" download>JSON</a> ·
        <a href="/api/playlists/{{playlist_id}}/export?format=csv" download>CSV</a></p>
    </section>
    <section class="panel" aria-labelledby="info-heading">
      <h2 id="info-heading">Playlist info</h2>
      <dl id="playlist-info" class="info"></dl>
    </section>
  </div>
</div>
