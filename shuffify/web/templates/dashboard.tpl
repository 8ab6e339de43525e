% rebase('base.tpl')
<h1>Your playlists</h1>
<p class="intro">Your own and collaborative playlists: choose one to shuffle here, or open it in
the workshop to edit it track by track.</p>
% import json
<div class="dashboard" data-default-algorithm="{{prefs['default_algorithm'] or ''}}" data-default-params="{{json.dumps(prefs['default_params'] or {})}}">
  <section aria-labelledby="playlists-heading" class="playlists-section">
    <h2 id="playlists-heading" class="visually-hidden">Playlists</h2>
    <section id="since-last-visit" class="panel since" aria-labelledby="since-heading" hidden>
      <h3 id="since-heading" class="small-heading">Since your last visit</h3>
      <ul id="since-list" class="history-list small"></ul>
    </section>
    <div class="tile-tools">
      <label for="playlist-filter" class="visually-hidden">Filter playlists</label>
      <input id="playlist-filter" type="search" placeholder="Filter playlists" autocomplete="off" aria-describedby="filter-count">
      <div class="param checkbox"><input type="checkbox" id="show-hidden"><label for="show-hidden">Show hidden</label></div>
      <p id="filter-count" class="small muted" aria-live="polite"></p>
    </div>
    <p id="playlists-loading" class="muted">Loading your playlists…</p>
    <ul id="playlists" class="cards"></ul>
  </section>
  <section id="shuffle-panel" class="panel shuffle-panel" aria-labelledby="shuffle-heading" hidden>
    <h2 id="shuffle-heading">Shuffle <span id="shuffle-target"></span></h2>
    <form id="shuffle-form" class="stack">
      <label for="algorithm">Algorithm</label>
      <select id="algorithm" name="algorithm"></select>
      <p id="algorithm-description" class="small muted"></p>
      <fieldset id="params" class="params"><legend>Settings</legend></fieldset>
      <div class="param checkbox switch">
        <input type="checkbox" role="switch" id="keep-added-dates" aria-describedby="keep-added-dates-hint"{{!' checked' if prefs['keep_added_dates'] else ''}}>
        <label for="keep-added-dates">Keep Date Added</label>
        <span class="hint" id="keep-added-dates-hint">Each track keeps the date it was added to the playlist. It takes more calls to Spotify, so it is slower.</span>
      </div>
      <p id="shuffle-cost" class="cost small" aria-live="polite"></p>
      <div class="actions">
        <button type="submit" class="primary" id="shuffle-button">Shuffle</button>
        <button type="button" id="undo-button" disabled>Undo</button>
        <button type="button" id="redo-button" disabled>Redo</button>
      </div>
    </form>
    <div id="shuffle-result" class="result" aria-live="polite"></div>
    <p id="history-position" class="small muted"></p>
  </section>
</div>
<section class="panel transfer" aria-labelledby="transfer-heading">
  <h2 id="transfer-heading">Export and import</h2>
  <p><a class="button" id="export-all" href="/api/export" download>Export all</a>
    <span class="small muted">a zip: one JSON file per playlist you can edit, and your snapshots</span></p>
  <form id="import-form" class="stack">
    <label for="import-file">Import a playlist: a Shuffify export (JSON or CSV) or an Exportify CSV</label>
    <input id="import-file" name="file" type="file" accept=".json,.csv,application/json,text/csv" required>
    <label for="import-name">Name for the new playlist (optional)</label>
    <input id="import-name" name="name" type="text" maxlength="100" autocomplete="off">
    <div class="actions"><button type="submit">Import as a new private playlist</button></div>
  </form>
  <p id="import-result" aria-live="polite"></p>
</section>
