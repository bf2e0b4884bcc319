% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('system.title')}}</h1>
    <p class="muted">{{t('system.intro')}}</p>
  </div>
</div>
% if error:
<div class="flash flash-error" role="alert" id="system-error">{{error}}</div>
% end
<section class="card flush" id="processes">
  <h2>{{t('system.processes')}}</h2>
  % if supervisor_error:
  <p class="flash flash-warning">{{t('system.no_supervisor', error=supervisor_error)}}</p>
  % end
  <table class="data">
    <thead>
      <tr>
        <th>{{t('system.process')}}</th>
        <th>{{t('system.state')}}</th>
        <th class="num">{{t('system.pid')}}</th>
        <th class="num" title="{{t('system.crashes_hint')}}">{{t('system.crashes')}}</th>
        <th>{{t('system.last_exit')}}</th>
      </tr>
    </thead>
    <tbody>
    % for proc in processes:
      <tr data-process="{{proc.name}}" data-state="{{proc.state}}" data-crashes="{{proc.crashes}}">
        <td class="mono strong">{{proc.name}}</td>
        <td><span class="badge {{'badge-ok' if proc.running else 'badge-warn'}}">{{proc.state}}</span> <span class="sub">{{proc.description}}</span></td>
        <td class="num">{{proc.pid or '—'}}</td>
        <td class="num crashes">{{proc.crashes}}</td>
        <td>{{proc.last_exit or '—'}}</td>
      </tr>
    % end
    </tbody>
  </table>
  % for proc in processes:
  % if proc.tail:
  <div class="card log-tail" data-tail="{{proc.name}}">
    <h3>{{t('system.log_tail', name=proc.name)}}</h3>
    <pre class="mono">{{proc.tail}}</pre>
  </div>
  % end
  % end
</section>
<section class="card" id="health">
  <h2>{{t('system.health')}}</h2>
  % if watchdog is None:
  <p class="muted">{{t('system.watchdog_unknown')}}</p>
  % elif watchdog.get('no_device'):
  <p class="flash flash-error" id="watchdog-state" data-feeding="0" data-no-device="1">
    {{t('system.watchdog_no_device', error=watchdog.get('error', ''))}}
    <span class="sub">{{watchdog.get('time', '')}}</span>
  </p>
  % else:
  <p class="{{'' if watchdog['feeding'] else 'flash flash-error'}}" id="watchdog-state" data-feeding="{{int(bool(watchdog['feeding']))}}">
    {{t('system.watchdog_feeding') if watchdog['feeding'] else t('system.watchdog_stopped', failures=watchdog['failures'])}}
    <span class="sub">{{watchdog.get('time', '')}}</span>
  </p>
  <table class="data">
    <thead><tr><th>{{t('system.check')}}</th><th>{{t('system.state')}}</th><th>{{t('system.detail')}}</th></tr></thead>
    <tbody>
    % for check in watchdog.get('checks', []):
      <tr data-check="{{check['name']}}" data-ok="{{int(bool(check['ok']))}}">
        <td class="mono">{{check['name']}}</td>
        <td>{{t('system.check_ok') if check['ok'] else t('system.check_failed')}}</td>
        <td class="sub">{{check['detail']}}</td>
      </tr>
    % end
    </tbody>
  </table>
  % end
</section>
<section class="card form-card" id="backup">
  <h2>{{t('system.backup')}}</h2>
  <p class="muted">{{t('system.backup_intro')}}</p>
  <form method="post" action="/system/backup">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field"><label><input type="checkbox" name="media" value="1"> {{t('system.backup_media')}}</label></div>
    <button class="btn btn-primary" type="submit">{{t('system.backup_download')}}</button>
  </form>
</section>
<section class="card form-card" id="restore">
  <h2>{{t('system.restore')}}</h2>
  <p class="muted">{{t('system.restore_intro')}}</p>
  <form method="post" action="/system/restore" enctype="multipart/form-data">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field">
      <label for="restore-file">{{t('system.restore_file')}}</label>
      <input id="restore-file" name="file" type="file" accept=".gz,.tgz,application/gzip">
    </div>
    <button class="btn" type="submit">{{t('system.restore_submit')}}</button>
  </form>
</section>
<section class="card form-card" id="factory-reset">
  <h2>{{t('system.reset')}}</h2>
  <p class="muted">{{t('system.reset_intro')}}</p>
  <form method="post" action="/system/factory-reset" autocomplete="off">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field"><label><input type="checkbox" name="confirm" value="1"> {{t('system.reset_confirm')}}</label></div>
    <div class="field">
      <label for="reset-password">{{t('system.reset_password')}}</label>
      <input id="reset-password" name="password" type="password" autocomplete="current-password">
    </div>
    <button class="btn btn-danger" type="submit">{{t('system.reset_submit')}}</button>
  </form>
</section>
