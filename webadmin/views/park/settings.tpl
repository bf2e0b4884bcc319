% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('park.title')}}</h1>
    <p class="muted">{{t('park.intro')}}</p>
  </div>
  <a class="btn" href="/pickup" id="pickup-groups">{{t('pickup.title')}}</a>
</div>
<section class="card form-card">
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="/park" novalidate id="park-settings">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    % for name in ('lot', 'first', 'last', 'timeout', 'fallback'):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="{{name}}">{{t('park.' + name)}}</label>
      <input id="{{name}}" name="{{name}}" type="text" value="{{values[name]}}" maxlength="16" autocomplete="off">
      % if name == 'fallback':
      <div class="hint">{{t('park.fallback_hint')}}</div>
      % end
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
    </div>
  </form>
</section>
<section class="card flush">
  <h2>{{t('park.slots')}}</h2>
  % if not reachable:
  <p class="empty">{{t('core.not_reachable')}}</p>
  % elif slots:
  <table class="data" id="slots">
    <thead>
      <tr>
        <th>{{t('park.slot')}}</th>
        <th>{{t('park.caller')}}</th>
        <th>{{t('park.parker')}}</th>
        <th>{{t('park.since')}}</th>
      </tr>
    </thead>
    <tbody>
    % for row in slots:
      <tr data-slot="{{row['slot']}}">
        <td class="mono strong">{{row['slot']}}</td>
        <td>{{row['number']}} {{row['name']}}</td>
        <td>{{row['parker']}}</td>
        <td>{{row['since']}}</td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('park.no_slots')}}</p>
  % end
</section>
