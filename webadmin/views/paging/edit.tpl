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
    % for name in ('number', 'name', 'members'):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="{{name}}">{{t('paging.' + name)}}</label>
      <input id="{{name}}" name="{{name}}" type="text" value="{{values[name]}}" maxlength="{{1000 if name == 'members' else 64}}" autocomplete="off">
      % if name == 'members':
      <div class="hint">{{t('paging.members_hint')}}</div>
      % end
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/paging">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
