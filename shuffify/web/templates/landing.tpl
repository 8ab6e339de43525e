% rebase('base.tpl')
<section class="hero">
  <h1>Reorder your Spotify playlists, your way</h1>
  <p class="lead">Shuffify puts a playlist in a new order and writes it back to Spotify, so every
  device plays it that way: no more of Spotify's own shuffle favouring the same few songs.</p>
% if notice:
  <p class="notice" role="alert">{{notice}}</p>
% end
% if signin_enabled:
  <p><a class="button primary big" href="/login">Sign in with Spotify</a></p>
  <p class="small">You'll be asked on Spotify's own page to let Shuffify read and change your
  playlists. Read the <a href="/privacy">privacy notice</a> for what is kept.</p>
% else:
  <div class="notice" role="note">
    <h2>Sign-in is not set up on this server</h2>
    <p>Set <code>SPOTIFY_CLIENT_ID</code> and <code>SPOTIFY_CLIENT_SECRET</code> (from your app on
    Spotify's developer dashboard) in the environment or in <code>.env</code>, then restart.
    To look around without a Spotify app, run <code>make demo</code>.</p>
  </div>
% end
</section>
<section class="features" aria-labelledby="what">
  <h2 id="what">What Shuffify does</h2>
  <ul class="feature-list">
    <li><h3>Shuffle, undo, redo</h3><p>Six ways to shuffle: plain, only part of a playlist,
    balanced or stratified sections, artists kept apart, album by album. Every change can be undone, and
    tracks added in the meantime are kept.</p></li>
    <li><h3>A workshop</h3><p>Move, remove and add tracks by hand or from search, try an
    algorithm before you save, keep drafts as saved sessions, and save to Spotify when it's
    right.</p></li>
    <li><h3>Schedules</h3><p>Shuffle a playlist every day, or pull in new tracks from other
    playlists ("raids") every few hours, and see each run's result.</p></li>
    <li><h3>Your data, your call</h3><p>Shuffify keeps only what it needs and deletes all of it
    when you ask, in one click on the <a href="/privacy">privacy page</a>.</p></li>
  </ul>
</section>
