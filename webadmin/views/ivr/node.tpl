% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
  <p class="muted">{{t('ivr.flow_title', number=flow.number, name=flow.name)}}</p>
</div>
<section class="card form-card">
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  % if problems:
  <div class="flash flash-error" role="alert" id="ivr-problems">
    <p>{{t('ivr.edit_refused')}}</p>
    <ul>
    % for problem in problems:
      <li>{{problem.render(lang) if hasattr(problem, 'render') else problem}}</li>
    % end
    </ul>
  </div>
  % end
  <form method="post" action="{{action}}" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field{{' has-error' if 'key' in errors else ''}}">
      <label for="key">{{t('ivr.key')}}</label>
      <input id="key" name="key" type="text" value="{{values['key']}}" maxlength="32" autocomplete="off">
      <div class="hint">{{t('ivr.key_hint')}}</div>
      % if 'key' in errors:
      <div class="field-error" id="key-error">{{errors['key']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'kind' in errors else ''}}">
      <label for="kind">{{t('ivr.kind')}}</label>
      <select id="kind" name="kind">
        % for kind in kinds:
        <option value="{{kind}}"{{' selected' if values['kind'] == kind else ''}}>{{t('ivr.kind.' + kind)}}</option>
        % end
      </select>
      % if 'kind' in errors:
      <div class="field-error" id="kind-error">{{errors['kind']}}</div>
      % end
    </div>
    % for name in ('params', 'branches'):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="{{name}}">{{t('ivr.' + name)}}</label>
      <textarea id="{{name}}" name="{{name}}" rows="6" class="mono">{{values[name]}}</textarea>
      <div class="hint">{{t('ivr.' + name + '_hint')}}</div>
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/ivr/{{flow.id}}">{{t('common.cancel')}}</a>
    </div>
  </form>
  % if delete_action:
  <form method="post" action="{{delete_action}}" class="form-actions">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <button type="submit" class="btn btn-danger" id="delete-node">{{t('ivr.node_delete')}}</button>
  </form>
  % end
</section>
