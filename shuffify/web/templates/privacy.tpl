% rebase('base.tpl')
<article class="prose">
<h1>Privacy</h1>
<p>Shuffify keeps what it needs to act on your playlists, in its own database, and nothing for
advertising or analytics. Nothing is shared with anyone but Spotify.</p>
<h2>What is stored, and why</h2>
<dl class="stored">
  <dt>Your Spotify profile</dt>
  <dd>Your Spotify user id, display name and profile picture link (and your e-mail address, if
  Spotify sends it), to know who you are when you come back.</dd>
  <dt>Spotify's refresh token, encrypted</dt>
  <dd>So that schedules can run while you are away. It is encrypted with the server's key and
  never shown or logged.</dd>
  <dt>Login sessions</dt>
  <dd>One per signed-in browser: a hash of your cookie's id, Spotify's short-lived access token
  (encrypted), when it was created and last used, and a coarse name of the browser and system
  ("Firefox on Linux") so you can tell your sessions apart on the settings page. No IP address
  is stored, for sessions or anything else. A session ends after 14 days unused, or 30 days in
  all, or when you sign out or end it from the settings page.</dd>
  <dt>Playlist history</dt>
  <dd>The track lists (Spotify track links) of the last 20 orders of each playlist you changed,
  for undo and redo.</dd>
  <dt>Saved workshop sessions</dt>
  <dd>The drafts you save in the workshop: a name and a list of tracks.</dd>
  <dt>Upstream sources and recently loaded playlists</dt>
  <dd>The playlists you named as sources for another, and the last ten playlists you loaded by
  link in the workshop (name, owner, count).</dd>
  <dt>Snapshots</dt>
  <dd>Earlier versions of a playlist's order: one kept automatically before every change
  Shuffify makes (the newest 30 per playlist, or the number you set), and those you keep by
  hand (until you delete them), so any of them can be restored.</dd>
  <dt>Settings and dashboard preferences</dt>
  <dd>Your choices (default algorithm, keeping "Date Added", snapshots kept, time zone, theme),
  the order, favourites and hidden playlists of your dashboard, and when you last visited it,
  for "since your last visit". Kept until you change them or delete your account.</dd>
  <dt>Activity log</dt>
  <dd>A line for each change to a playlist, each schedule or rule run, each sign-in and
  sign-out and each settings change: when, what, which playlist (its id and name then), who
  (you, a schedule or a rule) and the snapshot taken before it. Kept 180 days, so you can see
  what happened and restore what was there before.</dd>
  <dt>Pinned tracks</dt>
  <dd>For each playlist where you pin tracks: the track's link, its position and the last day
  of the pin if you gave one. Expired pins are deleted; the rest until you unpin them.</dd>
  <dt>Rules</dt>
  <dd>The rules you set up for a playlist, their runs and the tracks waiting in their inbox,
  until you delete the rule.</dd>
  <dt>Spotify call counts</dt>
  <dd>How many calls to Spotify were made per hour and feature, to stay within Spotify's
  limits. When your account goes, the counts stay without anything naming you.</dd>
  <dt>Schedules and their runs</dt>
  <dd>Each schedule you create (what, which playlists, how often) and a record of each run:
  when, how it went, how many tracks were added.</dd>
</dl>
<p>Track lists and playlist details are read from Spotify when you open a page; only a short-lived
copy is kept in the server's memory.</p>
<h2>Deleting it all</h2>
% if user:
<p>This deletes your account and everything above at once: profile, tokens, every login session,
history, saved sessions, sources, schedules and their runs. Your playlists on Spotify stay as they
are. You can sign in again later as a new user.</p>
<p><button type="button" class="danger" id="delete-account">Delete my account and all my data</button></p>
<p>To also withdraw Shuffify's access on Spotify's side, remove it under "Apps" in your Spotify
account settings.</p>
% else:
<p>Sign in, come back to this page and press "Delete my account and all my data": your account
and everything above are deleted at once. Your playlists on Spotify stay as they are.</p>
% end
</article>
