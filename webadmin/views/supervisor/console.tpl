% rebase('layout.tpl')
<link rel="stylesheet" href="/static/live.css">
<div class="page-head">
  <div>
    <h1>{{t('sup.title')}}</h1>
    <p class="muted">{{t('sup.subtitle')}} <span class="live-updated" id="live-updated" data-stale="{{t('live.stale')}}"></span></p>
  </div>
  <form method="post" action="/supervisor/extension" class="live-form" id="extension-form">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <label for="extension">{{t('sup.extension')}}</label>
    <input id="extension" name="extension" type="text" inputmode="numeric" maxlength="32" value="{{desk.extension}}" class="short-wide">
    <button type="submit" class="btn">{{t('common.save')}}</button>
  </form>
</div>
% if new_token:
<section class="card">
  <div class="flash flash-success" role="status">{{t('sup.token_new', agent=new_token[0])}}</div>
  <p class="mono new-token" id="new-token">{{new_token[1]}}</p>
</section>
% end
% if not desk.extension:
<p class="flash flash-info">{{t('sup.extension_hint')}}</p>
% end
<div id="live" data-src="/supervisor/live">
% include('supervisor/live.tpl')
</div>
<script src="/static/supervisor.js" defer></script>
