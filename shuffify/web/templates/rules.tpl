% rebase('base.tpl')
<h1>Rules</h1>
<p class="intro">A rule fills or tidies a playlist for you: it takes tracks from the sources you pick,
keeps those that pass its filters and changes the playlist the way you choose. You see what it
would do before anything is written, and every change it makes can be undone.</p>
<div class="rules-layout">
  <section id="editor" class="panel rule-editor" aria-labelledby="editor-heading" hidden>
    <h2 id="editor-heading" tabindex="-1">New rule</h2>
    <form id="rule-form" class="rule-form" novalidate>
      <p id="form-error" class="form-error" role="alert" hidden></p>
      <div class="stack">
        <label for="rule-name">Name</label>
        <input id="rule-name" name="name" type="text" maxlength="100" autocomplete="off" data-place="name">
      </div>
      <div class="stack">
        <label for="rule-target">Playlist the rule changes</label>
        <select id="rule-target" name="target_playlist_id" data-place="target_playlist_id"></select>
      </div>
      <fieldset>
        <legend>Take tracks from</legend>
        <ol id="sources" class="steps"></ol>
        <div id="combine-row" class="sentence" hidden>
          <label for="rule-combine">Take the sources</label>
          <select id="rule-combine" name="combine" data-place="combine">
            <option value="concat">one after another</option>
            <option value="alternate">taking turns, a track from each</option>
            <option value="shuffle">mixed at random</option>
          </select>
        </div>
        <div class="add-row" id="add-source"></div>
      </fieldset>
      <fieldset>
        <legend>Keep only</legend>
        <ol id="filters" class="steps"></ol>
        <p id="no-filters" class="small muted">No filters: every track of the sources is kept.</p>
        <div class="add-row">
          <label for="filter-kind">Add a filter</label>
          <select id="filter-kind"></select>
          <button type="button" id="add-filter">Add</button>
        </div>
      </fieldset>
      <div class="stack">
        <label for="rule-order">Then order the tracks</label>
        <select id="rule-order" name="order" data-place="order"></select>
      </div>
      <fieldset id="sink" data-place="sink">
        <legend>What to do with the playlist</legend>
        <div id="sink-modes" class="sink-modes"></div>
        <div class="choice">
          <input type="checkbox" id="use-max-size">
          <div class="sentence">
            <label for="use-max-size">Keep at most</label>
            <input type="number" id="max-size" class="num" min="1" max="10000" value="300" inputmode="numeric" aria-label="Most tracks to keep" data-kind="integer" data-place="sink.max_size">
            <span>tracks: the ones added longest ago go</span>
          </div>
        </div>
        <div class="choice">
          <input type="checkbox" id="use-archive">
          <div class="sentence">
            <label for="use-archive">Move what goes to</label>
            <select id="archive" aria-label="Playlist that keeps what goes" data-place="sink.archive_playlist_id"></select>
          </div>
        </div>
      </fieldset>
      <div id="signin-needed" class="notice" hidden>
        <p id="signin-message"></p>
        <a id="signin-link" class="button primary" href="/login">Sign in again</a>
      </div>
      <div class="actions">
        <button type="button" id="preview-rule">Preview</button>
        <button type="submit" class="primary" id="save-rule">Save rule</button>
        <button type="button" id="cancel-rule">Cancel</button>
      </div>
    </form>
    <section id="editor-preview" class="preview" aria-label="Preview" hidden></section>
  </section>
  <section class="rule-list-section" aria-labelledby="rules-heading">
    <h2 id="rules-heading">Your rules <span id="rule-count" class="muted"></span></h2>
    <div id="offer" class="notice offer" hidden></div>
    <p id="rules-loading" class="muted">Loading…</p>
    <ul id="rule-list" class="rule-list"></ul>
  </section>
  <section id="start" class="panel start" aria-labelledby="start-heading">
    <h2 id="start-heading" tabindex="-1">Start a rule</h2>
    <p class="small muted">Pick one to start from: you choose the playlist, see a preview, then save.</p>
    <ul class="templates">
      <li><button type="button" class="template" disabled data-template="newest"><strong>Keep this playlist's newest 100 tracks</strong><span>Older tracks are removed.</span></button></li>
      <li><button type="button" class="template" disabled data-template="morning"><strong>Add new tracks from these playlists every morning</strong><span>Only what the playlist lacks, no song twice.</span></button></li>
      <li><button type="button" class="template" disabled data-template="liked"><strong>Weekly mix of my Liked Songs' last 30 days</strong><span>Your recent likes, shuffled, every week.</span></button></li>
      <li><button type="button" class="template" disabled data-template="search"><strong>Review new tracks from a search</strong><span>New results wait for you to accept or dismiss.</span></button></li>
      <li><button type="button" class="template" disabled data-template="blank"><strong>Start from scratch</strong><span>Build a rule step by step.</span></button></li>
    </ul>
  </section>
</div>
