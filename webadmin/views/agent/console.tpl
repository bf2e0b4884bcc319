% rebase('layout.tpl')
% st = state['state']
% def shown(*names):
%   return '' if st in names else ' hidden'
% end
% logged_in = ('idle', 'ringing', 'reserved', 'on-call', 'wrap-up', 'paused')
<link rel="stylesheet" href="/static/live.css">
<div class="page-head">
  <div>
    <h1>{{t('agentc.title')}} · <span class="mono">{{agent.number}}</span> {{agent.name}}</h1>
    <p class="muted">{{t('agentc.subtitle')}}</p>
  </div>
  <div class="agent-status">
    <span id="agent-state" class="badge live-state state-{{st or 'unknown'}}" data-state="{{st}}">{{t('live.state.' + st) if st else t('live.core_down')}}</span>
    <span id="agent-since" class="mono muted" data-seconds="{{state['time_in_state']}}"></span>
    <span id="agent-reason" class="muted">{{state['pause_label']}}</span>
  </div>
</div>
<div id="console" data-state="{{state_json}}" data-i18n="{{i18n_json}}" data-stream="/agent/events" data-refresh="/agent/state.json">
  <p id="stream-status" class="flash flash-warning" hidden>{{t('live.stream_down')}}</p>
  % if not state['core']:
  <div class="flash flash-warning" id="core-down">{{t('core.not_reachable')}}. {{t('core.not_reachable_hint')}}</div>
  % end
  <div class="live-grid">
    <section class="card" id="state-card">
      <h2>{{t('agentc.state_title')}}</h2>
      <p class="muted small" id="agent-contact" data-label="{{t('agentc.at_phone')}}">{{t('agentc.at_phone')}} <span class="mono">{{state['contact']}}</span></p>
      <form method="post" action="/agent/acd/login" class="live-form" data-states="logged-out"{{shown('logged-out')}}>
        <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
        <label for="contact">{{t('agentc.contact')}}</label>
        <input id="contact" name="contact" type="text" inputmode="numeric" value="{{default_contact}}" maxlength="32" class="short-wide">
        <button type="submit" class="btn btn-primary" id="btn-login">{{t('agentc.login_queues')}}</button>
      </form>
      <div class="live-buttons">
        <form method="post" action="/agent/acd/ready" data-states="paused"{{shown('paused')}}>
          <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
          <button type="submit" class="btn btn-primary" id="btn-ready">{{t('agentc.ready')}}</button>
        </form>
        <form method="post" action="/agent/acd/wrapup_end" data-states="wrap-up"{{shown('wrap-up')}}>
          <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
          <button type="submit" class="btn btn-primary" id="btn-wrapup">{{t('agentc.end_wrapup')}}</button>
        </form>
        <form method="post" action="/agent/acd/pause" class="live-form" data-states="idle ringing reserved on-call wrap-up"{{shown('idle', 'ringing', 'reserved', 'on-call', 'wrap-up')}}>
          <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
          <label for="reason" class="visually-hidden">{{t('agentc.pause_reason')}}</label>
          <select id="reason" name="reason">
            % if pause_codes:
            % for code in pause_codes:
            <option value="{{code.code}}">{{code.label(lang)}}</option>
            % end
            % else:
            <option value="{{fallback_pause}}">{{t('agentc.pause_generic')}}</option>
            % end
          </select>
          <button type="submit" class="btn" id="btn-pause">{{t('agentc.pause')}}</button>
        </form>
        <form method="post" action="/agent/acd/logout" data-states="{{' '.join(logged_in)}}"{{shown(*logged_in)}}>
          <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
          <button type="submit" class="btn btn-danger-ghost" id="btn-logout">{{t('agentc.logout_queues')}}</button>
        </form>
      </div>
    </section>

    <section class="card" id="dial-card">
      <h2>{{t('agentc.dial_title')}}</h2>
      <form method="post" action="/agent/call" class="live-form">
        <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
        <label for="dial-number" class="visually-hidden">{{t('agentc.dial_number')}}</label>
        <input id="dial-number" name="number" type="tel" maxlength="40" placeholder="{{t('agentc.dial_number')}}" class="short-wide">
        <button type="submit" class="btn btn-primary" id="btn-dial">{{t('agentc.dial')}}</button>
      </form>
      <p class="hint">{{t('agentc.dial_hint')}}</p>
    </section>
  </div>

  <section class="card" id="queues-card">
    <h2>{{t('agentc.queues_title')}}</h2>
    <p class="hint">{{t('agentc.queues_hint')}}</p>
    % if state['queues']:
    <table class="data compact" id="my-queues">
      <tbody>
        % for q in state['queues']:
        % joined = q['joined']
        <tr data-queue="{{q['queue']}}">
          <td class="mono">{{q['queue']}}</td>
          <td>{{q['name']}}</td>
          <td class="queue-joined muted">{{'' if joined is None else t('agentc.in_queue') if joined else t('agentc.not_in_queue')}}</td>
          <td>
            <form method="post" action="/agent/acd/join" data-joined="no"{{'' if joined is False else ' hidden'}}>
              <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
              <input type="hidden" name="queue" value="{{q['queue']}}">
              <button type="submit" class="btn btn-small btn-primary">{{t('agentc.join')}}</button>
            </form>
            <form method="post" action="/agent/acd/leave" data-joined="yes"{{'' if joined is True else ' hidden'}}>
              <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
              <input type="hidden" name="queue" value="{{q['queue']}}">
              <button type="submit" class="btn btn-small btn-danger-ghost">{{t('agentc.leave')}}</button>
            </form>
          </td>
        </tr>
        % end
      </tbody>
    </table>
    % else:
    <p class="empty">{{t('agentc.no_queues')}}</p>
    % end
  </section>

  <section class="card" id="call-card">
    <h2>{{t('agentc.call_title')}}</h2>
    <div id="call-body"><p class="empty">{{t('live.no_call')}}</p></div>
    <div class="live-buttons" id="call-actions" hidden>
      <form method="post" action="/agent/call/transfer" class="live-form">
        <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
        <input type="hidden" name="call" value="" class="call-id">
        <label for="transfer-kind" class="visually-hidden">{{t('live.transfer_kind')}}</label>
        <select id="transfer-kind" name="kind">
          % for kind in ('agent', 'queue', 'number'):
          <option value="{{kind}}">{{t('live.transfer.' + kind)}}</option>
          % end
        </select>
        <label for="transfer-target" class="visually-hidden">{{t('live.transfer_target')}}</label>
        <input id="transfer-target" name="target" type="text" maxlength="32" class="short-wide" placeholder="{{t('live.transfer_target')}}">
        <button type="submit" class="btn">{{t('live.transfer')}}</button>
      </form>
      <form method="post" action="/agent/call/hangup">
        <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
        <input type="hidden" name="call" value="" class="call-id">
        <button type="submit" class="btn btn-danger-ghost">{{t('live.hangup')}}</button>
      </form>
    </div>
  </section>

  <section class="card" id="recent-card">
    <h2>{{t('agentc.recent_title')}}</h2>
    <div id="recent-body"></div>
  </section>

  <section class="card" id="token-card">
    <h2>{{t('agentc.token_title')}}</h2>
    <p class="hint">{{t('agentc.token_hint')}}</p>
    % if new_token:
    <div class="flash flash-success" role="status">{{t('agentc.token_new')}}</div>
    <p class="mono new-token" id="new-token">{{new_token}}</p>
    % elif token_issued:
    <p id="token-state">{{t('agentc.token_since', time=local_time(token_issued))}}</p>
    % else:
    <p id="token-state" class="muted">{{t('agentc.token_none')}}</p>
    % end
    <div class="live-buttons">
      <form method="post" action="/agent/token">
        <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
        <button type="submit" class="btn" id="btn-token">{{t('agentc.token_create')}}</button>
      </form>
      % if token_issued or new_token:
      <form method="post" action="/agent/token/revoke">
        <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
        <button type="submit" class="btn btn-danger-ghost" id="btn-token-revoke">{{t('agentc.token_revoke')}}</button>
      </form>
      % end
    </div>
  </section>
</div>
<script src="/static/agent.js" defer></script>
