% rebase('base.tpl')
<h1>Your playlists</h1>
<p class="intro">Your own and collaborative playlists: choose one to shuffle here, or open it in
the workshop to edit it track by track.</p>
<div class="dashboard">
  <section aria-labelledby="playlists-heading" class="playlists-section">
    <h2 id="playlists-heading" class="visually-hidden">Playlists</h2>
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
