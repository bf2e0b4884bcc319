% rebase('layout.tpl')
% def field_error(name):
%   if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
%   end
% end
<div class="page-head">
  <h1>{{title}}</h1>
</div>
% if errors:
<div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
% end
% if person is None:
<section class="card form-card">
  <form method="post" action="/users" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field{{' has-error' if 'username' in errors else ''}}">
      <label for="username">{{t('user.username')}}</label>
      <input id="username" name="username" type="text" value="{{values['username']}}" maxlength="64" autocomplete="off">
      % field_error('username')
    </div>
    <div class="field{{' has-error' if 'role' in errors else ''}}">
      <label for="role">{{t('users.role')}}</label>
      <select id="role" name="role">
        % for role in roles:
        <option value="{{role}}"{{' selected' if role == values['role'] else ''}}>{{t('role.' + role)}}</option>
        % end
      </select>
      <div class="hint">{{t('users.role_hint')}}</div>
      % field_error('role')
    </div>
    <div class="field{{' has-error' if 'password' in errors else ''}}">
      <label for="password">{{t('user.password')}}</label>
      <input id="password" name="password" type="password" value="" maxlength="128" autocomplete="new-password">
      <div class="hint">{{t('setup.password_hint')}}</div>
      % field_error('password')
    </div>
    <div class="field{{' has-error' if 'confirm' in errors else ''}}">
      <label for="confirm">{{t('user.confirm')}}</label>
      <input id="confirm" name="confirm" type="password" value="" maxlength="128" autocomplete="new-password">
      % field_error('confirm')
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('users.create')}}</button>
      <a class="btn" href="/users">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
% else:
% if 'user' in errors:
<div class="flash flash-error" role="alert" id="user-error">{{errors['user']}}</div>
% end
<section class="card form-card">
  <h2>{{t('users.role')}}</h2>
  <form method="post" action="/users/{{person.id}}/role" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field{{' has-error' if 'role' in errors else ''}}">
      <label for="role">{{t('users.role')}}</label>
      <select id="role" name="role">
        % for role in roles:
        <option value="{{role}}"{{' selected' if role == values['role'] else ''}}>{{t('role.' + role)}}</option>
        % end
      </select>
      <div class="hint">{{t('users.role_hint')}}</div>
      % field_error('role')
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/users">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
<section class="card form-card">
  <h2>{{t('users.reset_password')}}</h2>
  <p class="muted">{{t('users.reset_password_hint', username=person.username)}}</p>
  <form method="post" action="/users/{{person.id}}/password" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field{{' has-error' if 'password' in errors else ''}}">
      <label for="password">{{t('users.new_password')}}</label>
      <input id="password" name="password" type="password" value="" maxlength="128" autocomplete="new-password">
      <div class="hint">{{t('setup.password_hint')}}</div>
      % field_error('password')
    </div>
    <div class="field{{' has-error' if 'confirm' in errors else ''}}">
      <label for="confirm">{{t('user.confirm')}}</label>
      <input id="confirm" name="confirm" type="password" value="" maxlength="128" autocomplete="new-password">
      % field_error('confirm')
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('users.reset_password')}}</button>
    </div>
  </form>
</section>
% if not is_me:
<section class="card form-card">
  <h2>{{t('users.state')}}</h2>
  <p class="muted">{{t('users.disable_hint') if not disabled else t('users.enable_hint')}}</p>
  <form method="post" action="/users/{{person.id}}/state" class="form-actions">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <input type="hidden" name="enabled" value="{{'1' if disabled else '0'}}">
    <button type="submit" class="btn {{'btn-primary' if disabled else 'btn-danger'}}">{{t('users.enable') if disabled else t('users.disable')}}</button>
    <a class="btn btn-danger-ghost" href="/users/{{person.id}}/delete">{{t('common.delete')}}</a>
  </form>
</section>
% end
% end
