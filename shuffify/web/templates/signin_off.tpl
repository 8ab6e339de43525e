% rebase('base.tpl')
<article class="prose">
<h1>Sign-in is off</h1>
<p>This Shuffify has no Spotify app to sign in with yet. Whoever runs it sets
<code>SPOTIFY_CLIENT_ID</code> and <code>SPOTIFY_CLIENT_SECRET</code> (from an app on Spotify's
developer dashboard, with this site's <code>/callback</code> as its redirect URI) in the
environment or in <code>.env</code>, then restarts it.</p>
<p>The steps are in the project's <code>README.md</code>, under
<strong id="readme-setup">"Sign in with Spotify (local set-up)"</strong>. To look around without
a Spotify app, run <code>make demo</code>.</p>
<p><a href="/">Back to the start page</a></p>
</article>
