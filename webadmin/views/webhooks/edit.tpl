% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{title}}</h1>
    <p class="muted">{{t('webhooks.intro')}}</p>
  </div>
</div>
% if new_secret:
<div class="flash flash-success" role="status">{{t('webhooks.saved')}}</div>
% if not applied:
<div class="flash flash-warning" role="status">{{t('core.unreachable')}}</div>
% end
<div class="flash flash-warning" role="alert" id="new-secret">{{t('webhooks.new_secret')}} <code class="mono">{{new_secret}}</code></div>
% end
<section class="card form-card">
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="/webhooks" novalidate autocomplete="off">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field{{' has-error' if 'webhook_url' in errors else ''}}">
      <label for="webhook_url">{{t('webhooks.url')}} <span class="sub mono">webhook_url</span></label>
      <input id="webhook_url" name="webhook_url" type="url" value="{{values['webhook_url']}}" maxlength="512" placeholder="https://crm.example.com/pbx-events">
      <div class="hint">{{t('webhooks.url_hint')}}</div>
      % if 'webhook_url' in errors:
      <div class="field-error" id="webhook_url-error">{{errors['webhook_url']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'webhook_events' in errors else ''}}">
      <label for="webhook_events">{{t('webhooks.events')}} <span class="sub mono">webhook_events</span></label>
      <input id="webhook_events" name="webhook_events" type="text" value="{{values['webhook_events']}}" maxlength="700" placeholder="call-*,agent-*">
      <div class="hint">{{t('webhooks.events_hint', known=known)}}</div>
      % if 'webhook_events' in errors:
      <div class="field-error" id="webhook_events-error">{{errors['webhook_events']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'webhook_secret' in errors else ''}}">
      <label for="webhook_secret">{{t('webhooks.secret')}} <span class="sub mono">webhook_secret</span></label>
      <input id="webhook_secret" name="webhook_secret" type="password" value="" maxlength="256" autocomplete="new-password">
      <div class="hint" id="secret-saved">{{t('webhooks.secret_hint', masked=masked) if masked else t('webhooks.secret_none')}}</div>
      % if 'webhook_secret' in errors:
      <div class="field-error" id="webhook_secret-error">{{errors['webhook_secret']}}</div>
      % end
    </div>
    <div class="field check">
      <label><input type="checkbox" name="regenerate" value="1"> {{t('webhooks.regenerate')}}</label>
    </div>
    <div class="hint">{{t('webhooks.signature_hint')}}</div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
    </div>
  </form>
</section>
<section class="card">
  <h2>{{t('webhooks.status')}}</h2>
  % if status is None:
  <div class="flash flash-warning" id="webhook-status-missing">{{t('webhooks.no_status')}}</div>
  % else:
  <table class="data kv" id="webhook-status">
    <tbody>
      <tr><th scope="row">{{t('webhooks.state')}}</th><td>{{t('webhooks.on') if status['enabled'] else t('webhooks.off')}}</td></tr>
      % for key in ('delivered', 'failed', 'dropped', 'queued'):
      <tr><th scope="row">{{t('webhooks.' + key)}}</th><td data-field="{{key}}">{{status[key]}}</td></tr>
      % end
      % if status['last_error']:
      <tr><th scope="row">{{t('webhooks.last_error')}}</th><td data-field="last_error">{{status['last_error_at']}} {{status['last_error']}}</td></tr>
      % end
    </tbody>
  </table>
  % end
</section>
