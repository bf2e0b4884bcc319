% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
</div>
<section class="card form-card">
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="/ports/{{name}}/edit" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    % if kind == 'fxs':
    <div class="field{{' has-error' if 'number' in errors else ''}}">
      <label for="number">{{t('ports.number')}}</label>
      <input id="number" name="number" type="text" inputmode="numeric" value="{{values['number']}}" maxlength="16" autocomplete="off">
      <div class="hint">{{t('ports.number_hint')}}</div>
      % if 'number' in errors:
      <div class="field-error" id="number-error">{{errors['number']}}</div>
      % end
    </div>
    % end
    <div class="field{{' has-error' if 'label' in errors else ''}}">
      <label for="label">{{t('ports.label')}}</label>
      <input id="label" name="label" type="text" value="{{values['label']}}" maxlength="64" autocomplete="off">
      % if 'label' in errors:
      <div class="field-error" id="label-error">{{errors['label']}}</div>
      % end
    </div>
    % if kind == 'fxs':
    <div class="field{{' has-error' if 'caller_id_name' in errors else ''}}">
      <label for="caller_id_name">{{t('ports.caller_id_name')}}</label>
      <input id="caller_id_name" name="caller_id_name" type="text" value="{{values['caller_id_name']}}" maxlength="64" autocomplete="off">
      % if 'caller_id_name' in errors:
      <div class="field-error" id="caller_id_name-error">{{errors['caller_id_name']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'permission' in errors else ''}}">
      <label for="permission">{{t('ports.permission')}}</label>
      <select id="permission" name="permission">
        % for perm in permissions:
        <option value="{{perm}}"{{' selected' if perm == values['permission'] else ''}}>{{t('permission.' + perm)}}</option>
        % end
      </select>
      % if 'permission' in errors:
      <div class="field-error" id="permission-error">{{errors['permission']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'cid_standard' in errors else ''}}">
      <label for="cid_standard">{{t('ports.cid_standard')}}</label>
      <select id="cid_standard" name="cid_standard">
        <option value=""{{' selected' if not values['cid_standard'] else ''}}>{{t('ports.cid_standard_default')}}</option>
        % for std in cid_standards:
        <option value="{{std}}"{{' selected' if std == values['cid_standard'] else ''}}>{{t('cid.' + std)}}</option>
        % end
      </select>
      <div class="hint">{{t('ports.cid_standard_hint')}}</div>
      % if 'cid_standard' in errors:
      <div class="field-error" id="cid_standard-error">{{errors['cid_standard']}}</div>
      % end
    </div>
    % end
    <div class="field check">
      <label><input type="checkbox" name="enabled" value="1"{{' checked' if values['enabled'] else ''}}> {{t('ports.enabled')}}</label>
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/ports">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
