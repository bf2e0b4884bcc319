% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
</div>
<section class="card form-card">
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="{{'/extensions/%s/edit' % original if original else '/extensions'}}" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field{{' has-error' if 'number' in errors else ''}}">
      <label for="number">{{t('extensions.number')}}</label>
      <input id="number" name="number" type="text" inputmode="numeric" value="{{values['number']}}" maxlength="16" autocomplete="off">
      % if 'number' in errors:
      <div class="field-error" id="number-error">{{errors['number']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'name' in errors else ''}}">
      <label for="name">{{t('extensions.name')}}</label>
      <input id="name" name="name" type="text" value="{{values['name']}}" maxlength="64" autocomplete="off">
      % if 'name' in errors:
      <div class="field-error" id="name-error">{{errors['name']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'secret' in errors else ''}}">
      <label for="secret">{{t('extensions.secret')}}</label>
      <input id="secret" name="secret" type="password" value="" maxlength="64" autocomplete="new-password">
      <div class="hint">{{t('extensions.secret_keep_hint') if original else t('extensions.secret_hint')}}</div>
      % if 'secret' in errors:
      <div class="field-error" id="secret-error">{{errors['secret']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'permission' in errors else ''}}">
      <label for="permission">{{t('extensions.permission')}}</label>
      <select id="permission" name="permission">
        % for perm in permissions:
        <option value="{{perm}}"{{' selected' if perm == values['permission'] else ''}}>{{t('permission.' + perm)}}</option>
        % end
      </select>
      <div class="hint">{{t('extensions.permission_hint')}}</div>
      % if 'permission' in errors:
      <div class="field-error" id="permission-error">{{errors['permission']}}</div>
      % end
    </div>
    <div class="field check">
      <label><input type="checkbox" name="enabled" value="1"{{' checked' if values['enabled'] else ''}}> {{t('extensions.enabled')}}</label>
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/extensions">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
