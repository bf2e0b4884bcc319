<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{t('wb.title')}} · {{t('app.name')}}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/admin.css">
<link rel="stylesheet" href="/static/live.css">
</head>
<body class="wallboard">
<div id="wallboard" data-src="/wallboard.json" data-queues="{{','.join(q['queue'] for q in data['queues'])}}">
  <header class="wb-head">
    <h1>{{t('wb.title')}}</h1>
    <span class="wb-clock" id="wb-time" data-stale="{{t('live.stale')}}">{{data['time']}}</span>
  </header>
  % if not data['ok']:
  <p class="flash flash-warning wb-down" id="core-down">{{t('core.not_reachable')}}</p>
  % elif not data['queues']:
  <p class="empty">{{t('sup.no_queues')}}</p>
  % end
  <main class="wb-queues">
  % for q in data['queues']:
    <section class="wb-queue{{' alert' if q['alert'] else ''}}" data-queue="{{q['queue']}}">
      <h2>{{q['name']}} <span class="muted mono">{{q['queue']}}</span></h2>
      <div class="wb-big">
        <div class="wb-num waiting"><span class="v" data-k="waiting">{{q['waiting']}}</span><span class="l">{{t('wb.waiting')}}</span></div>
        <div class="wb-num longest"><span class="v" data-k="longest_wait" data-clock="1">{{clock(q['longest_wait'])}}</span><span class="l">{{t('wb.longest_wait')}}</span></div>
        <div class="wb-num sl"><span class="v" data-k="service_level" data-percent="1">{{'—' if q['service_level'] is None else str(q['service_level']) + '%'}}</span><span class="l">{{t('wb.service_level')}}</span></div>
      </div>
      <div class="wb-agents">
        % for key in ('serving', 'idle', 'ringing', 'wrap_up', 'paused', 'logged_out'):
        <div class="wb-num"><span class="v" data-k="{{key}}">{{q[key]}}</span><span class="l">{{t('wb.' + key)}}</span></div>
        % end
      </div>
    </section>
  % end
  </main>
  <footer class="wb-foot">
    <a href="/supervisor">{{t('nav.supervisor')}}</a>
    <form method="post" action="/lang">
      <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
      <input type="hidden" name="next" value="{{here}}">
      % for code, label in languages:
      <button type="submit" name="lang" value="{{code}}" lang="{{code}}">{{label}}</button>
      % end
    </form>
  </footer>
</div>
<script src="/static/wallboard.js" defer></script>
</body>
</html>
