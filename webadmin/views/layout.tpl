<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · {{t('app.name')}}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/admin.css">
</head>
<body>
<header class="topbar">
  <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">☎</span>{{t('app.name')}}</a>
  % if nav:
  <nav class="nav" aria-label="{{t('nav.main')}}">
    % for key, href in nav:
    <a href="{{href}}" class="{{'active' if area == key or (key == 'callcenter' and subnav) else ''}}">{{t('nav.' + key)}}</a>
    % end
    % if user is not None and user.role in ('supervisor', 'admin'):
    % for key, href in (('supervisor', '/supervisor'), ('wallboard', '/wallboard')):
    <a href="{{href}}" class="{{'active' if area == key else ''}}">{{t('nav.' + key)}}</a>
    % end
    % end
    % if user is not None and user.role == 'admin':
    <a href="/users" class="{{'active' if area == 'users' else ''}}">{{t('nav.users')}}</a>
    % end
  </nav>
  % end
  <div class="topbar-right">
    <form method="post" action="/lang" class="langswitch" aria-label="{{t('nav.language')}}">
      <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
      <input type="hidden" name="next" value="{{here}}">
      % for code, label in languages:
      <button type="submit" name="lang" value="{{code}}" class="{{'current' if code == lang else ''}}" lang="{{code}}">{{label}}</button>
      % end
    </form>
    % if user is not None:
    <span class="who" title="{{t('nav.signed_in_as', username=user.username)}}">{{user.username}}</span>
    % # A person's name never holds ':'; an agent's stand-in (agent:N) has no password to change.
    % if ':' not in user.username:
    <a class="who" href="/account" id="my-account">{{t('nav.account')}}</a>
    % end
    <form method="post" action="/logout" class="inline">
      <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
      <button type="submit" class="btn btn-ghost btn-small">{{t('nav.logout')}}</button>
    </form>
    % end
  </div>
</header>
% if subnav:
<nav class="subnav" aria-label="{{t('nav.callcenter_sections')}}">
  % for key, href in subnav:
  <a href="{{href}}" class="{{'active' if area == key else ''}}">{{t('nav.' + key)}}</a>
  % end
</nav>
% end
<main class="{{'narrow' if not nav else ''}}">
  % for level, message in flashes:
  <div class="flash flash-{{level}}" role="status">{{message}}</div>
  % end
  {{!base}}
</main>
</body>
</html>
