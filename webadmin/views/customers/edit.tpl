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
    % for name, hint in (('name', ''), ('phone', 'customers.phone_hint'), ('company', ''), ('priority', 'customers.priority_hint'), ('tags', 'customers.tags_hint'), ('notes', '')):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="{{name}}">{{t('customers.' + name)}}</label>
      % if name == 'notes':
      <textarea id="notes" name="notes" rows="4" maxlength="2100">{{values['notes']}}</textarea>
      % else:
      <input id="{{name}}" name="{{name}}" type="text"{{!' inputmode="numeric"' if name == 'priority' else ''}} value="{{values[name]}}" maxlength="300" autocomplete="off">
      % end
      % if hint:
      <div class="hint">{{t(hint)}}</div>
      % end
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/customers">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
