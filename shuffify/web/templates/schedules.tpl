% rebase('base.tpl')
% import json
<h1>Schedules</h1>
<p class="intro">Shuffle a playlist, add new tracks to it from other playlists ("raid"), or back it
up, on a timer; a rule's schedule, made on the <a href="/rules">Rules</a> page, is here too. Times
are shown, and cron expressions run, in your time zone ({{prefs['timezone']}}: change it in
<a href="/settings">Settings</a>).</p>
<div class="schedules" data-default-algorithm="{{prefs['default_algorithm'] or ''}}" data-default-params="{{json.dumps(prefs['default_params'] or {})}}">
  <section aria-labelledby="list-heading">
    <h2 id="list-heading">Your schedules <span id="schedule-count" class="muted"></span></h2>
    <p id="schedules-loading" class="muted">Loading…</p>
    <ul id="schedule-list" class="schedule-list"></ul>
  </section>
  <section class="panel" aria-labelledby="form-heading">
    <h2 id="form-heading">New schedule</h2>
    <form id="schedule-form" class="stack" novalidate>
      <p id="rule-note" hidden></p>
      <div id="job-block" class="stack">
        <label for="job-type">What to do</label>
        <select id="job-type" name="job_type">
          <option value="shuffle">Shuffle</option>
          <option value="raid">Raid: add new tracks from sources</option>
          <option value="raid_and_shuffle">Raid, then shuffle</option>
          <option value="snapshot">Back up: keep a snapshot when it has changed</option>
        </select>
        <label for="target">Playlist to change</label>
        <select id="target" name="target_playlist_id"></select>
      </div>
      <fieldset id="sources-fieldset" class="sources-fieldset">
        <legend>Sources</legend>
        <p class="small muted">Leave all empty to use the playlist's upstream sources (set in the workshop).</p>
        <div id="source-checkboxes" class="checkboxes"></div>
        <label for="source-links">Other playlists: links, one per line</label>
        <textarea id="source-links" name="source_links" rows="2"></textarea>
      </fieldset>
      <div id="algorithm-block" class="stack">
        <label for="algorithm">Algorithm</label>
        <select id="algorithm" name="algorithm_name"></select>
        <p id="algorithm-description" class="small muted"></p>
        <fieldset id="params" class="params"><legend>Settings</legend></fieldset>
      </div>
      <fieldset class="timing">
        <legend>When</legend>
        <div class="radio"><input type="radio" id="timing-interval" name="schedule_type" value="interval" checked><label for="timing-interval">Every…</label></div>
        <label for="interval" class="visually-hidden">Interval</label>
        <select id="interval" name="interval">
          <option value="every_6h">Every 6 hours</option>
          <option value="every_12h">Every 12 hours</option>
          <option value="daily" selected>Daily</option>
          <option value="every_3d">Every 3 days</option>
          <option value="weekly">Weekly</option>
        </select>
        <div class="radio"><input type="radio" id="timing-cron" name="schedule_type" value="cron"><label for="timing-cron">Cron expression ({{prefs['timezone']}})</label></div>
        <label for="cron" class="visually-hidden">Cron expression</label>
        <input id="cron" name="cron" type="text" placeholder="0 7 * * 1-5" autocomplete="off" aria-describedby="cron-help">
        <p id="cron-help" class="small muted">Five fields: minute hour day month weekday, in {{prefs['timezone']}}. A time the clocks skip runs when they jump; one they repeat runs once.</p>
      </fieldset>
      <div class="actions">
        <button type="submit" class="primary" id="schedule-submit">Create schedule</button>
        <button type="button" id="schedule-cancel" hidden>Cancel editing</button>
      </div>
    </form>
  </section>
</div>
