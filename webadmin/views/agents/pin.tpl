% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
</div>
<section class="card form-card">
  <p class="strong">{{agent.number}} · {{agent.name}}</p>
  % if new_pin:
  <div class="flash flash-success" role="status">{{t('agents.pin_new', number=agent.number)}}</div>
  <p class="new-pin mono" id="new-pin">{{new_pin}}</p>
  <a class="btn" href="/agents">{{t('common.back')}}</a>
  % else:
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="/agents/{{agent.number}}/pin" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    % for name, label in (('pin', 'agents.pin'), ('pin_confirm', 'agents.pin_confirm')):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="{{name}}">{{t(label)}}</label>
      <input id="{{name}}" name="{{name}}" type="password" inputmode="numeric" value="" maxlength="8" autocomplete="new-password">
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    <div class="hint">{{t('agents.pin_hint')}}</div>
    <div class="form-actions">
      <button type="submit" name="action" value="set" class="btn btn-primary">{{t('agents.pin_set')}}</button>
      <a class="btn" href="/agents">{{t('common.cancel')}}</a>
    </div>
  </form>
  <form method="post" action="/agents/{{agent.number}}/pin" class="form-actions separated">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <button type="submit" name="action" value="reset" class="btn" id="reset-pin">{{t('agents.pin_reset')}}</button>
    <span class="hint">{{t('agents.pin_reset_hint')}}</span>
  </form>
  % end
</section>
