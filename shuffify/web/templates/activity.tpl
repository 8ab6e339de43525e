% rebase('base.tpl')
<h1>Activity</h1>
<p class="intro">Every change to your playlists and every account event of the last 180 days,
newest first. Times are in your time zone (<a href="/settings">Settings</a>).</p>
<form id="activity-filters" class="filters">
  <div class="stack">
    <label for="filter-kind">What</label>
    <select id="filter-kind" name="kind">
      <option value="">Everything</option>
% for kind in ('shuffle', 'save', 'undo', 'redo', 'restore', 'import', 'dedupe', 'sort', 'pins', 'schedule run', 'rule run', 'schedule', 'rule', 'snapshot', 'sign-in', 'sign-out', 'settings'):
      <option value="{{kind}}">{{kind.capitalize()}}</option>
% end
    </select>
  </div>
  <div class="stack">
    <label for="filter-playlist">Playlist</label>
    <select id="filter-playlist" name="playlist_id"><option value="">All playlists</option></select>
  </div>
</form>
<p id="activity-loading" class="muted">Loading…</p>
<ol id="activity" class="activity-list"></ol>
<div class="actions"><button type="button" id="load-more" hidden>Load more</button></div>
