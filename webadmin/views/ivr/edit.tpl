% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
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
    % for name in ('number', 'name', 'entry'):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="{{name}}">{{t('ivr.' + name)}}</label>
      <input id="{{name}}" name="{{name}}" type="text" value="{{values[name]}}" maxlength="64" autocomplete="off">
      <div class="hint">{{t('ivr.' + name + '_hint')}}</div>
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    <div class="field{{' has-error' if 'language' in errors else ''}}">
      <label for="language">{{t('ivr.language')}}</label>
      <select id="language" name="language">
        % for code in flow_languages:
        <option value="{{code}}"{{' selected' if values['language'] == code else ''}}>{{code}}</option>
        % end
      </select>
      % if 'language' in errors:
      <div class="field-error" id="language-error">{{errors['language']}}</div>
      % end
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="{{back}}">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
