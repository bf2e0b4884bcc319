% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
</div>
<section class="card form-card">
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="{{action}}" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    % for name in ('number', 'name', 'pin', 'moderator_pin', 'max_participants'):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="{{name}}">{{t('conference.' + name)}}</label>
      <input id="{{name}}" name="{{name}}" type="{{'password' if 'pin' in name else 'text'}}" value="{{values[name]}}" maxlength="64" autocomplete="off">
      % if name == 'pin':
      <div class="hint">{{t('conference.pin_hint')}}</div>
      % end
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    % for name in flags + ('clear_pins',):
    <div class="field check">
      <label><input type="checkbox" name="{{name}}" value="1"{{' checked' if values[name] else ''}}> {{t('conference.' + name)}}</label>
    </div>
    % end
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/conference">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
