% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{title}}</h1>
    <p class="muted">{{t('update.intro')}}</p>
  </div>
</div>
% if restore:
<div class="flash flash-warning" role="status" id="db-restore">
  <strong>{{t('update.rollback_title')}}</strong>:
  {{t('update.rollback_text', when=restore['restored_at'], found=restore['found_version'], restored=restore['restored_version'], aside=restore['kept_aside'])}}
</div>
% end
% if failed_update:
<div class="flash flash-warning" role="status" id="update-rolled-back">
  <strong>{{t('update.rolled_back_title')}}</strong>:
  {{t('update.rolled_back_text', version=failed_update['version'], slot=failed_update['slot'], running=failed_update['running'], running_version=failed_update['running_version'])}}
</div>
% end
% if error:
<div class="flash flash-error" role="alert" id="update-error">{{error}}</div>
% end
<section class="card flush" id="slots">
  <h2>{{t('update.slots')}}</h2>
  % if rauc_problem:
  <p class="sub" id="rauc-problem">{{t('update.no_rauc', detail=rauc_problem)}}</p>
  % else:
  <table class="data">
    <thead>
      <tr><th>{{t('update.slot')}}</th><th>{{t('update.slot_state')}}</th><th>{{t('update.boot_status')}}</th><th>{{t('update.slot_version')}}</th></tr>
    </thead>
    <tbody>
    % for s in slots:
      <tr data-slot="{{s['bootname']}}">
        <td>{{s['bootname']}} ({{s['name']}}){{(' · ' + t('update.booted')) if s['booted'] else ''}}{{(' · ' + t('update.next')) if s['primary'] else ''}}</td>
        <td>{{s['state']}}</td>
        <td>{{s['boot_status']}}</td>
        <td>{{s['version'] or '—'}}</td>
      </tr>
    % end
    </tbody>
  </table>
  % end
</section>
<section class="card form-card" id="install">
  <h2>{{t('update.upload_title')}}</h2>
  <div id="update-state" class="flash {{'flash-error' if job.phase in ('refused', 'failed') else 'flash-info'}}" role="status" data-phase="{{job.phase}}" data-busy="{{'1' if busy else '0'}}"{{!'' if job_text else ' hidden'}}>
    <span id="update-text">{{job_text}}</span>
    % if job.detail and job.phase in ('refused', 'failed'):
    <details><summary>{{t('update.detail')}}</summary><code id="update-detail">{{job.detail}}</code></details>
    % end
  </div>
  <label for="update-progress">{{t('update.progress')}}</label>
  <progress id="update-progress" max="100" value="{{job.percent if job.phase in ('installing', 'rebooting') else 0}}"></progress>
  <span id="update-step" class="sub">{{job.step if job.phase == 'installing' else ''}}</span>
  <form method="post" action="/update" enctype="multipart/form-data" id="update-form" data-uploading="{{t('update.uploading')}}">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <label for="update-file">{{t('update.file')}}</label>
    <input type="file" name="file" id="update-file" accept=".raucb">
    <button type="submit" class="btn" id="update-submit"{{!' disabled' if busy else ''}}>{{t('update.install')}}</button>
  </form>
</section>
<script src="/static/update.js" defer></script>
