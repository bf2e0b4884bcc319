% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('voicemail.title')}}</h1>
    <p class="muted">{{t('voicemail.intro')}}</p>
  </div>
  <a class="btn btn-primary" href="/voicemail/new">{{t('voicemail.new')}}</a>
</div>
<section class="card flush">
  <table class="data" id="mailboxes">
    <thead>
      <tr>
        <th>{{t('voicemail.number')}}</th>
        <th>{{t('voicemail.email')}}</th>
        <th class="num">{{t('voicemail.new_messages')}}</th>
        <th class="num">{{t('voicemail.all_messages')}}</th>
        <th>{{t('voicemail.forwarding')}}</th>
        <th>{{t('voicemail.state')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % if not rows:
      <tr><td colspan="7" class="sub">{{t('voicemail.none')}}</td></tr>
    % end
    % for item in rows:
      % box = item.mailbox
      <tr data-mailbox="{{box.number}}">
        <td class="mono strong">{{box.number}}</td>
        <td>{{box.email or '—'}}</td>
        <td class="num">{{item.new}}</td>
        <td class="num">{{item.total}}</td>
        <td>{{', '.join(t('voicemail.' + f) for f in ('on_no_answer', 'on_busy') if getattr(box, f)) or '—'}}</td>
        <td>{{t('voicemail.enabled') if box.enabled else t('voicemail.disabled')}}</td>
        <td class="actions">
          <a class="btn btn-small" href="/voicemail/{{box.number}}">{{t('voicemail.messages')}}</a>
          <a class="btn btn-small" href="/voicemail/{{box.number}}/edit">{{t('common.edit')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/voicemail/{{box.number}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
</section>
<section class="card form-card" id="smtp">
  <h2>{{t('voicemail.smtp_title')}}</h2>
  <p class="muted">{{t('voicemail.smtp_intro')}}</p>
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="/voicemail/smtp" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    % for name, kind in (('smtp_host', 'text'), ('smtp_port', 'text'), ('smtp_user', 'text'), ('smtp_password', 'password'), ('smtp_from', 'text')):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="{{name}}">{{t('voicemail.' + name)}}</label>
      % if name == 'smtp_password':
      <input id="{{name}}" name="{{name}}" type="password" value="" autocomplete="new-password">
      <div class="hint">{{t('voicemail.smtp_password_set') if smtp.get(name) else t('voicemail.smtp_password_none')}}</div>
      % else:
      <input id="{{name}}" name="{{name}}" type="{{kind}}" value="{{smtp.get(name, '')}}" autocomplete="off">
      % end
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    <div class="field check">
      <label><input type="checkbox" name="smtp_starttls" value="1"{{' checked' if smtp.get('smtp_starttls') == '1' else ''}}> {{t('voicemail.smtp_starttls')}}</label>
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
    </div>
  </form>
</section>
<section class="card form-card" id="retention">
  <h2>{{t('voicemail.retention_title')}}</h2>
  <p class="muted">{{t('voicemail.retention_intro')}}</p>
  <p id="retention-disk" class="{{'flash flash-error' if disk['low_space'] else 'muted'}}">{{t('voicemail.retention_disk', used='%.1f' % disk['used_mb'], count=disk['count'], free='%.0f' % disk['free_mb'])}}{{(' ' + t('voicemail.retention_low')) if disk['low_space'] else ''}}</p>
  % if keep_errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="/voicemail/retention" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    % for name in keep_fields:
    <div class="field{{' has-error' if name in keep_errors else ''}}">
      <label for="{{name}}">{{t('voicemail.' + name)}}</label>
      <input id="{{name}}" name="{{name}}" type="text" inputmode="numeric" value="{{keep.get(name, '')}}" autocomplete="off">
      <div class="hint">{{t('voicemail.' + name + '_hint')}}</div>
      % if name in keep_errors:
      <div class="field-error" id="{{name}}-error">{{keep_errors[name]}}</div>
      % end
    </div>
    % end
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
    </div>
  </form>
</section>
