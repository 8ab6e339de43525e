% rebase('base.tpl')
<article class="prose">
<h1>Terms of use</h1>
<p>Shuffify is a small tool that reorders, edits and schedules changes to Spotify playlists you
own or collaborate on. By signing in you let it act on those playlists for you.</p>
<h2>What Shuffify does with your playlists</h2>
<ul>
  <li>It changes a playlist only when you ask: a shuffle, an undo or redo, a save from the
  workshop, or a schedule you created and left running.</li>
  <li>Before each change it records the order the playlist had, so that you can undo it. If a
  change stops half way (Spotify not answering, say), Shuffify finishes it from that record.</li>
  <li>It never adds or removes tracks on its own: a shuffle keeps every track, a raid only adds
  tracks from the source playlists you picked.</li>
</ul>
<h2>Your part</h2>
<ul>
  <li>Use Shuffify on playlists you may change, and within
  <a href="https://www.spotify.com/legal/end-user-agreement/">Spotify's terms</a>.</li>
  <li>Schedules run without you; pause or delete them on the Schedules page when you no longer
  want them.</li>
</ul>
<h2>No warranty</h2>
<p>Shuffify is provided as it is, without warranty of any kind. Spotify may limit or change what
apps like this one may do at any time; Shuffify is not made or endorsed by Spotify.</p>
<h2>Leaving</h2>
<p>You can stop at any time: sign out, remove Shuffify under "Apps" in your Spotify account, and
delete everything Shuffify keeps about you on the <a href="/privacy">privacy page</a>.</p>
</article>
