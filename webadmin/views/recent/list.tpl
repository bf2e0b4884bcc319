% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{title}}</h1>
    <p class="muted">{{t('recent.intro')}}</p>
  </div>
</div>
% if chooser:
<section class="card form-card">
  <form method="get" action="/recent" id="recent-chooser">
    <div class="field{{' has-error' if error else ''}}">
      <label for="number">{{t('recent.phone')}}</label>
      <input id="number" name="number" type="text" value="{{number}}" maxlength="32" autocomplete="off">
      % if error:
      <div class="field-error" id="number-error">{{error}}</div>
      % end
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('recent.show')}}</button>
    </div>
  </form>
</section>
% elif error:
<div class="flash flash-error" role="alert" id="recent-error">{{error}}</div>
% end
% if number and not error:
<section class="card flush">
  % if calls:
  <table class="data" id="recent-calls">
    <thead>
      <tr>
        <th>{{t('recent.kind')}}</th>
        <th>{{t('recent.number')}}</th>
        <th>{{t('recent.name')}}</th>
        <th>{{t('recent.time')}}</th>
        <th>{{t('recent.seconds')}}</th>
      </tr>
    </thead>
    <tbody>
    % for call in calls:
      <tr class="recent-{{call.kind}}" data-kind="{{call.kind}}">
        <td>{{t('recent.kind.' + call.kind)}}</td>
        <td class="mono strong">{{call.number}}</td>
        <td>{{call.name}}</td>
        <td>{{local_time(call.time)}}</td>
        <td>{{call.seconds}}</td>
      </tr>
    % end
    </tbody>
  </table>
  <p class="muted">{{t('common.times_local')}}</p>
  % else:
  <p class="empty">{{t('recent.none')}}</p>
  % end
</section>
% end
