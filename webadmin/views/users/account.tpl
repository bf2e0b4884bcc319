% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('account.title')}}</h1>
    <p class="muted" id="account-who">{{person.username}} · {{t('role.' + person.role) if person.role in ('admin', 'supervisor', 'agent') else person.role}}</p>
  </div>
</div>
<section class="card form-card">
  <h2>{{t('account.change_password')}}</h2>
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <p class="muted">{{t('account.change_password_hint')}}</p>
  <form method="post" action="/account" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    % for name, label, complete in (('current', 'account.current', 'current-password'), ('password', 'users.new_password', 'new-password'), ('confirm', 'user.confirm', 'new-password')):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="{{name}}">{{t(label)}}</label>
      <input id="{{name}}" name="{{name}}" type="password" value="" maxlength="128" autocomplete="{{complete}}">
      % if name == 'password':
      <div class="hint">{{t('setup.password_hint')}}</div>
      % end
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('account.change_password')}}</button>
    </div>
  </form>
</section>
