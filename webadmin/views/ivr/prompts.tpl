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
  % if errors and 'delete' not in errors:
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
