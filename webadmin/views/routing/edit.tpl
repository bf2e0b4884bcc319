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
    % for field in spec.fields:
    <div class="field{{' has-error' if field.name in errors else ''}}">
      <label for="{{field.name}}">{{t(spec.key + '.' + field.name)}}</label>
      % if field.choices is not None:
      <select id="{{field.name}}" name="{{field.name}}">
        % for value, text in field.choices():
        <option value="{{value}}"{{' selected' if value == values.get(field.name) else ''}}>{{text}}</option>
        % end
      </select>
      % else:
      <input id="{{field.name}}" name="{{field.name}}" type="text" value="{{values.get(field.name, '')}}" maxlength="256" autocomplete="off">
      % end
      % if field.hint:
      <div class="hint">{{t(field.hint)}}</div>
      % end
      % if field.name in errors:
      <div class="field-error" id="{{field.name}}-error">{{errors[field.name]}}</div>
      % end
    </div>
    % end
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/{{spec.key}}">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
