% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
</div>
<section class="card form-card">
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="{{action}}" novalidate id="features-form">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    % for f in fields:
    % if f.kind == 'check':
    <div class="field check">
      <label><input type="checkbox" id="{{f.name}}" name="{{f.name}}" value="1"{{' checked' if values.get(f.name) == '1' else ''}}> {{t('features.f.' + f.name)}}</label>
    </div>
    % else:
    <div class="field{{' has-error' if f.name in errors else ''}}">
      <label for="{{f.name}}">{{t('features.f.' + f.name)}}</label>
      % if f.kind == 'select':
      <select id="{{f.name}}" name="{{f.name}}">
        % for choice in f.choices:
        <option value="{{choice}}"{{' selected' if values.get(f.name) == choice else ''}}>{{t('features.c.' + choice)}}</option>
        % end
      </select>
      % elif f.kind == 'textarea':
      <textarea id="{{f.name}}" name="{{f.name}}" rows="4">{{values.get(f.name, '')}}</textarea>
      % else:
      <input id="{{f.name}}" name="{{f.name}}" type="{{'password' if f.kind == 'password' else 'text'}}" value="{{values.get(f.name, '')}}" maxlength="256" autocomplete="off">
      % end
      % if f.name in hint:
      <div class="hint">{{hint[f.name]}}</div>
      % end
      % if f.name in errors:
      <div class="field-error" id="{{f.name}}-error">{{errors[f.name]}}</div>
      % end
    </div>
    % end
    % end
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/features">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
