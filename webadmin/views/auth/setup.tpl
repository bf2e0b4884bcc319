% rebase('layout.tpl')
<section class="card auth-card">
  <h1>{{t('setup.title')}}</h1>
  <p class="muted">{{t('setup.intro')}}</p>
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="/setup" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field{{' has-error' if 'username' in errors else ''}}">
      <label for="username">{{t('user.username')}}</label>
      <input id="username" name="username" type="text" value="{{values['username']}}" autocomplete="username" maxlength="64">
      % if 'username' in errors:
      <div class="field-error">{{errors['username']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'password' in errors else ''}}">
      <label for="password">{{t('user.password')}}</label>
      <input id="password" name="password" type="password" autocomplete="new-password" maxlength="128">
      <div class="hint">{{t('setup.password_hint')}}</div>
      % if 'password' in errors:
      <div class="field-error">{{errors['password']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'confirm' in errors else ''}}">
      <label for="confirm">{{t('user.confirm')}}</label>
      <input id="confirm" name="confirm" type="password" autocomplete="new-password" maxlength="128">
      % if 'confirm' in errors:
      <div class="field-error">{{errors['confirm']}}</div>
      % end
    </div>
    <button type="submit" class="btn btn-primary btn-block">{{t('setup.submit')}}</button>
  </form>
</section>
