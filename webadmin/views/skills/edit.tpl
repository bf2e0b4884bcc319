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
    % for name, limit in (('name', 32), ('description', 128)):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="{{name}}">{{t('skills.' + name)}}</label>
      <input id="{{name}}" name="{{name}}" type="text" value="{{values[name]}}" maxlength="{{limit + 8}}" autocomplete="off">
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/skills">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
