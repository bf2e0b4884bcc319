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
    % for name in ('number', 'pin', 'email', 'max_message_seconds', 'max_messages'):
    % if name == 'number' and row is not None:
    % continue
    % end
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="{{name}}">{{t('voicemail.' + name)}}</label>
      <input id="{{name}}" name="{{name}}" type="{{'password' if name == 'pin' else 'text'}}" value="{{values[name]}}" maxlength="254" autocomplete="{{'new-password' if name == 'pin' else 'off'}}"{{' inputmode="numeric"' if name in ('number', 'pin', 'max_message_seconds', 'max_messages') else ''}}>
      % if name == 'pin':
      <div class="hint">{{t('voicemail.pin_hint') if row is None else t('voicemail.pin_keep')}}</div>
      % elif name == 'number':
      <div class="hint">{{t('voicemail.number_hint')}}</div>
      % end
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    % for name in flags:
    <div class="field check">
      <label><input type="checkbox" name="{{name}}" value="1"{{' checked' if values[name] else ''}}> {{t('voicemail.' + name + '_label')}}</label>
    </div>
    % end
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/voicemail">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
