% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('ivr.prompts_title')}}</h1>
    <p class="muted">{{t('ivr.prompts_intro')}}</p>
  </div>
  <a class="btn" href="/ivr">{{t('ivr.title')}}</a>
</div>
% if 'delete' in errors:
<div class="flash flash-error" role="alert" id="delete-error">{{errors['delete']}}</div>
% end
<section class="card flush">
  % if rows:
  <table class="data" id="ivr-prompt-list">
    <thead>
      <tr>
        <th>{{t('ivr.prompt_file')}}</th>
        <th class="num">{{t('moh.length')}}</th>
        <th>{{t('ivr.prompt_users')}}</th>
        <th>{{t('moh.listen')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for row, users in rows:
      <tr data-prompt="{{row.name}}">
        <td class="mono strong">{{row.file}}</td>
        <td class="num">{{'%.1f s' % row.seconds}}</td>
        <td class="mono">{{', '.join(users) if users else t('moh.no_queue')}}</td>
        <td><audio controls preload="none" src="/ivr/prompts/{{row.name}}.wav">{{t('moh.no_audio')}}</audio></td>
        <td class="actions">
          % if not users:
          <form method="post" action="/ivr/prompts/{{row.name}}/delete">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <button type="submit" class="btn btn-small btn-danger-ghost">{{t('common.delete')}}</button>
          </form>
          % end
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('ivr.prompts_empty')}}</p>
  % end
</section>
<section class="card form-card" id="upload">
  % if 'name' in errors or 'file' in errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="/ivr/prompts" enctype="multipart/form-data" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field{{' has-error' if 'name' in errors else ''}}">
      <label for="name">{{t('ivr.prompt_name')}}</label>
      <input id="name" name="name" type="text" value="{{values.get('name', '')}}" maxlength="32" autocomplete="off">
      <div class="hint">{{t('ivr.prompt_name_hint')}}</div>
      % if 'name' in errors:
      <div class="field-error" id="name-error">{{errors['name']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'file' in errors else ''}}">
      <label for="file">{{t('ivr.prompt_audio_file', formats=formats)}}</label>
      <input id="file" name="file" type="file" accept="audio/*">
      % if 'file' in errors:
      <div class="field-error" id="file-error">{{errors['file']}}</div>
      % end
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('ivr.prompt_upload')}}</button>
    </div>
  </form>
</section>
<section class="card" id="prompt-sets">
  <h2>{{t('ivr.sets_title')}}</h2>
  <p class="muted">{{t('ivr.sets_intro')}}</p>
  % for language, words in sets:
  % recorded = [w for w in words if w[2] is not None]
  <h3>{{t('ivr.set_language_' + language.replace('-', '_'))}} <span class="muted" id="set-count-{{language}}">{{t('ivr.set_count', done=len(recorded), total=len(words))}}</span></h3>
  % if recorded:
  <table class="data" id="set-{{language}}">
    <thead>
      <tr>
        <th>{{t('ivr.set_word')}}</th>
        <th>{{t('ivr.prompt_file')}}</th>
        <th class="num">{{t('moh.length')}}</th>
        <th>{{t('moh.listen')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for stem, label, seconds in recorded:
      <tr data-word="{{language}}/{{stem}}">
        <td class="strong">{{label}}</td>
        <td class="mono">{{stem}}.wav</td>
        <td class="num">{{'%.1f s' % (seconds or 0)}}</td>
        <td><audio controls preload="none" src="/ivr/prompts/sets/{{language}}/{{stem}}.wav">{{t('moh.no_audio')}}</audio></td>
        <td class="actions">
          <form method="post" action="/ivr/prompts/sets/{{language}}/{{stem}}/delete">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <button type="submit" class="btn btn-small btn-danger-ghost">{{t('common.delete')}}</button>
          </form>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % end
  % missing = [label if label == stem else label + ' (' + stem + ')' for stem, label, seconds in words if seconds is None]
  % if missing:
  <p class="sub" id="set-missing-{{language}}">{{t('ivr.set_missing')}} {{', '.join(missing)}}</p>
  % end
  % end
  % if any(k.startswith('set_') for k in errors):
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="/ivr/prompts/sets" enctype="multipart/form-data" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field{{' has-error' if 'set_word' in errors else ''}}">
      <label for="set_word">{{t('ivr.set_word')}}</label>
      <select id="set_word" name="word">
        % for language, words in sets:
        <optgroup label="{{t('ivr.set_language_' + language.replace('-', '_'))}}">
          % for stem, label, seconds in words:
          % key = language + '/' + stem
          <option value="{{key}}"{{' selected' if values.get('set_word') == key else ''}}>{{label if label == stem else label + ' (' + stem + ')'}}{{' ✓' if seconds is not None else ''}}</option>
          % end
        </optgroup>
        % end
      </select>
      % if 'set_word' in errors:
      <div class="field-error" id="set_word-error">{{errors['set_word']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'set_file' in errors else ''}}">
      <label for="set_file">{{t('ivr.prompt_audio_file', formats=formats)}}</label>
      <input id="set_file" name="file" type="file" accept="audio/*">
      % if 'set_file' in errors:
      <div class="field-error" id="set_file-error">{{errors['set_file']}}</div>
      % end
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary" id="set-upload">{{t('ivr.prompt_upload')}}</button>
    </div>
  </form>
</section>
