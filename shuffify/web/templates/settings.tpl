% rebase('base.tpl')
<h1>Settings</h1>
<div class="account">
  <section class="panel" aria-labelledby="settings-heading">
    <h2 id="settings-heading">Your settings</h2>
    <form id="settings-form" class="stack" novalidate>
      <label for="algorithm">Default algorithm</label>
      <select id="algorithm" name="default_algorithm"></select>
      <p id="algorithm-description" class="small muted"></p>
      <fieldset id="params" class="params"><legend>Its settings</legend></fieldset>
      <div class="param checkbox">
        <input type="checkbox" id="keep-added-dates" name="keep_added_dates" aria-describedby="keep-hint">
        <label for="keep-added-dates">Keep "added" dates when reordering</label>
      </div>
      <p id="keep-hint" class="small muted">Slower (more calls to Spotify), but Spotify's "date added" stays as it was.</p>
      <label for="auto-snapshots-kept">Automatic snapshots kept per playlist (1–200)</label>
      <input id="auto-snapshots-kept" name="auto_snapshots_kept" type="number" min="1" max="200" step="1" inputmode="numeric">
      <label for="timezone">Time zone</label>
      <input id="timezone" name="timezone" type="text" list="timezones" autocomplete="off" spellcheck="false">
      <datalist id="timezones">
% for zone in ('UTC', 'Europe/London', 'Europe/Dublin', 'Europe/Lisbon', 'Europe/Paris', 'Europe/Berlin', 'Europe/Madrid', 'Europe/Rome', 'Europe/Amsterdam', 'Europe/Stockholm', 'Europe/Warsaw', 'Europe/Athens', 'Europe/Helsinki', 'Europe/Istanbul', 'Europe/Moscow', 'Africa/Lagos', 'Africa/Cairo', 'Africa/Johannesburg', 'Africa/Nairobi', 'Asia/Dubai', 'Asia/Kolkata', 'Asia/Bangkok', 'Asia/Singapore', 'Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Tokyo', 'Asia/Seoul', 'Australia/Perth', 'Australia/Sydney', 'Pacific/Auckland', 'America/Sao_Paulo', 'America/Argentina/Buenos_Aires', 'America/Mexico_City', 'America/New_York', 'America/Toronto', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu'):
        <option value="{{zone}}"></option>
% end
      </datalist>
      <label for="theme">Theme</label>
      <select id="theme" name="theme">
        <option value="system">Same as this device</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
      <p id="settings-error" class="error-text" role="alert" hidden></p>
      <div class="actions"><button type="submit" class="primary" id="settings-save">Save settings</button></div>
    </form>
  </section>
  <section class="panel" aria-labelledby="sessions-heading">
    <h2 id="sessions-heading">Where you are signed in</h2>
    <p id="sessions-loading" class="muted">Loading…</p>
    <ul id="sessions" class="session-list"></ul>
    <div class="actions"><button type="button" id="end-others">End all other sessions</button></div>
    <h3 class="small-heading">Last sign-ins and sign-outs</h3>
    <ul id="sign-ins" class="history-list small"></ul>
  </section>
  <section class="panel" aria-labelledby="data-heading">
    <h2 id="data-heading">Your data</h2>
    <p><a class="button" id="export-me" href="/api/me/export" download>Download my data</a></p>
    <p class="small muted">One JSON file with everything Shuffify keeps about you (never a token). See <a href="/privacy">Privacy</a> for deleting your account.</p>
  </section>
</div>
