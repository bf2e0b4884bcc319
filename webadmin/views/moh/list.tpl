% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('moh.title')}}</h1>
    <p class="muted">{{t('moh.intro')}}</p>
  </div>
</div>
<section class="card flush">
  <table class="data" id="moh-classes">
    <thead>
      <tr>
        <th>{{t('moh.class')}}</th>
        <th class="num">{{t('moh.length')}}</th>
        <th class="num">{{t('moh.size')}}</th>
        <th>{{t('moh.modified')}}</th>
        <th>{{t('moh.queues')}}</th>
        <th>{{t('moh.listen')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for row, queues in rows:
      <tr data-class="{{row.name}}">
        <td class="mono strong">{{row.name}}</td>
        % if row.builtin:
        <td colspan="4" class="sub">{{t('moh.builtin')}}</td>
        <td></td>
        % else:
        <td class="num">{{length(row.seconds)}}</td>
        <td class="num">{{size(row.size)}}</td>
        <td>{{modified(row)}}</td>
        <td>{{', '.join(queues) if queues else t('moh.no_queue')}}</td>
        <td><audio controls preload="none" src="/moh/{{row.name}}.wav">{{t('moh.no_audio')}}</audio></td>
        % end
        <td class="actions">
          <a class="btn btn-small" href="/moh?name={{row.name}}#upload">{{t('moh.replace')}}</a>
          % if row.name != default_class and not row.builtin:
          <a class="btn btn-small btn-danger-ghost" href="/moh/{{row.name}}/delete">{{t('common.delete')}}</a>
          % end
        </td>
      </tr>
    % end
    </tbody>
  </table>
</section>
<section class="card form-card" id="upload">
  <h2>{{t('moh.upload_title')}}</h2>
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="/moh" enctype="multipart/form-data" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field{{' has-error' if 'name' in errors else ''}}">
      <label for="name">{{t('moh.class_name')}}</label>
      <input id="name" name="name" type="text" value="{{values.get('name', '')}}" maxlength="32" autocomplete="off" pattern="[a-z0-9_\-]{1,32}">
      <div class="hint">{{t('moh.class_name_hint')}}</div>
      % if 'name' in errors:
      <div class="field-error" id="name-error">{{errors['name']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'file' in errors else ''}}">
      <label for="file">{{t('moh.file')}}</label>
      <input id="file" name="file" type="file" accept="audio/*,.wav,.mp3,.ogg,.oga,.flac">
      <div class="hint">{{t('moh.file_hint', formats=formats, size=max_mib, minutes=max_minutes)}}</div>
      % if 'file' in errors:
      <div class="field-error" id="file-error">{{errors['file']}}</div>
      % end
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('moh.upload_submit')}}</button>
    </div>
  </form>
</section>
