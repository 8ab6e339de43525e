<!doctype html>
<html lang="en" data-theme="{{prefs['theme']}}" data-timezone="{{prefs['timezone']}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · Shuffify</title>
% if csrf_token:
<meta name="csrf-token" content="{{csrf_token}}">
% end
<link rel="icon" href="{{asset('favicon.svg')}}" type="image/svg+xml">
<link rel="stylesheet" href="{{asset('shuffify.css')}}">
% for sheet in styles:
<link rel="stylesheet" href="{{asset(sheet)}}">
% end
% for script in scripts:
<script src="{{asset(script)}}" defer></script>
% end
% if user:
<script src="{{asset('limits.js')}}" defer></script>
% end
</head>
<body class="page-{{page}}">
<a class="skip" href="#main">Skip to content</a>
% if demo:
<p class="demo-banner" role="note"><strong>Demo:</strong> a fake Spotify with made-up data</p>
% end
<header class="site">
  <a class="brand" href="/"><img src="{{asset('favicon.svg')}}" alt="" width="28" height="28"> Shuffify</a>
% if user:
  <nav aria-label="Main">
    <a href="/"{{!' aria-current="page"' if page == 'dashboard' else ''}}>Playlists</a>
    <a href="/schedules"{{!' aria-current="page"' if page == 'schedules' else ''}}>Schedules</a>
    <a href="/rules"{{!' aria-current="page"' if page == 'rules' else ''}}>Rules</a>
    <a href="/activity"{{!' aria-current="page"' if page == 'activity' else ''}}>Activity</a>
    <a href="/settings"{{!' aria-current="page"' if page == 'settings' else ''}}>Settings</a>
  </nav>
  <div class="who">
%   if avatar:
    <img class="avatar" src="{{avatar}}" alt="" width="32" height="32">
%   end
    <span class="user-name">{{user_name}}</span>
    <form method="post" action="/logout" class="signout">
      <input type="hidden" name="csrf_token" value="{{csrf_token}}">
      <button type="submit" class="quiet">Sign out</button>
    </form>
  </div>
% end
</header>
% if user:
<div class="status-bar">
  <div id="limits" class="limits" hidden></div>
  <div id="status" class="status" role="status" aria-live="polite"></div>
  <div id="progress" class="progress" hidden><progress aria-label="Working"></progress> <span id="progress-label">Working…</span></div>
</div>
% end
<main id="main" tabindex="-1">
{{!base}}
</main>
<footer class="site">
  <a href="/terms">Terms</a>
  <a href="/privacy">Privacy</a>
  <span>Shuffify is not made or endorsed by Spotify.</span>
</footer>
</body>
</html>
