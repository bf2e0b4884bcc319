% if board is None:
<div class="flash flash-warning" id="core-down">{{t('core.not_reachable')}}. {{t('core.not_reachable_hint')}}</div>
% else:
% totals = board['totals']
<div class="sup-counts" id="sup-totals">
  % for key in ('waiting', 'longest_wait', 'serving', 'ringing', 'wrap_up', 'idle', 'paused', 'logged_out'):
  <div class="card">
    <div class="stat-label">{{t('sup.count.' + key)}}</div>
    <div class="stat-value" data-count="{{key}}">{{clock(totals[key]) if key == 'longest_wait' else totals[key]}}</div>
  </div>
  % end
</div>

<section class="card flush">
  <h2 class="card-title">{{t('sup.queues')}}</h2>
  % if board['queues']:
  <table class="data compact" id="sup-queues">
    <thead><tr>
      <th>{{t('sup.col.queue')}}</th><th>{{t('sup.col.name')}}</th>
      % for key in ('waiting', 'longest_wait', 'estimated_wait', 'serving', 'ringing', 'wrap_up', 'idle', 'paused', 'logged_out'):
      <th class="num">{{t('sup.count.' + key)}}</th>
      % end
    </tr></thead>
    <tbody>
    % for q in board['queues']:
      <tr data-queue="{{q['queue']}}">
        <td class="mono strong">{{q['queue']}}</td><td>{{q['name']}}</td>
        <td class="num" data-field="waiting">{{q['waiting']}}</td>
        <td class="num">{{clock(q['longest_wait'])}}</td>
        <td class="num">{{'—' if q['estimated_wait'] is None else clock(q['estimated_wait'])}}</td>
        % for key in ('serving', 'ringing', 'wrap_up', 'idle', 'paused', 'logged_out'):
        <td class="num" data-field="{{key}}">{{q[key]}}</td>
        % end
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('sup.no_queues')}}</p>
  % end
</section>

<section class="card flush">
  <h2 class="card-title">{{t('sup.calls')}}</h2>
  % if board['calls']:
  <table class="data compact" id="sup-calls">
    <thead><tr>
      <th>{{t('sup.col.call')}}</th><th>{{t('sup.col.queue')}}</th><th>{{t('sup.col.caller')}}</th>
      <th>{{t('sup.col.state')}}</th><th>{{t('sup.col.agent')}}</th><th class="actions">{{t('common.actions')}}</th>
    </tr></thead>
    <tbody>
    % for c in board['calls']:
      <tr data-call="{{c['call']}}">
        <td class="mono small">{{c['call']}}</td><td class="mono">{{c['queue']}}</td>
        <td class="mono strong">{{c['caller']}}</td><td>{{c['state']}}</td><td class="mono">{{c['agent']}}</td>
        <td class="actions">
          % for mode in modes:
          <form method="post" action="/supervisor/monitor">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <input type="hidden" name="call" value="{{c['call']}}">
            <button type="submit" name="mode" value="{{mode}}" class="btn btn-small"{{'' if desk.extension else ' disabled'}}>{{t('sup.mode.' + mode)}}</button>
          </form>
          % end
          <form method="post" action="/supervisor/calls/hangup">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <input type="hidden" name="call" value="{{c['call']}}">
            <button type="submit" class="btn btn-small btn-danger-ghost">{{t('live.hangup')}}</button>
          </form>
          <details class="row-more">
            <summary>{{t('live.transfer')}}</summary>
            <form method="post" action="/supervisor/calls/transfer">
              <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
              <input type="hidden" name="call" value="{{c['call']}}">
              <select name="kind" aria-label="{{t('live.transfer_kind')}}">
                % for kind in transfer_kinds:
                <option value="{{kind}}">{{t('live.transfer.' + kind)}}</option>
                % end
              </select>
              <input type="text" name="target" maxlength="32" aria-label="{{t('live.transfer_target')}}" placeholder="{{t('live.transfer_target')}}">
              <button type="submit" class="btn btn-small">{{t('live.transfer')}}</button>
            </form>
          </details>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('sup.no_calls')}}</p>
  % end
</section>

% mine = [m for m in board['monitors'] if m.get('uniqueid') in desk.monitors]
% if mine:
<section class="card flush">
  <h2 class="card-title">{{t('sup.monitors')}}</h2>
  <table class="data compact" id="sup-monitors">
    <thead><tr><th>{{t('sup.col.call')}}</th><th>{{t('sup.col.mode')}}</th><th class="actions">{{t('common.actions')}}</th></tr></thead>
    <tbody>
    % for m in mine:
      <tr>
        <td class="mono small">{{m.get('monitor', '')}}</td>
        <td>{{t('sup.mode.' + m['mode']) if m.get('mode') in modes else m.get('mode', '')}}</td>
        <td class="actions">
          % for mode in modes:
          % if mode != m.get('mode'):
          <form method="post" action="/supervisor/monitor/mode">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <input type="hidden" name="session" value="{{m['uniqueid']}}">
            <button type="submit" name="mode" value="{{mode}}" class="btn btn-small">{{t('sup.mode.' + mode)}}</button>
          </form>
          % end
          % end
        </td>
      </tr>
    % end
    </tbody>
  </table>
</section>
% end

<section class="card flush">
  <h2 class="card-title">{{t('sup.agents')}}</h2>
  % if board['agents']:
  <table class="data compact" id="sup-agents">
    <thead><tr>
      <th>{{t('sup.col.agent')}}</th><th>{{t('sup.col.name')}}</th><th>{{t('sup.col.state')}}</th>
      <th class="num">{{t('sup.col.time')}}</th><th>{{t('sup.col.caller')}}</th><th>{{t('sup.col.phone')}}</th>
      <th class="actions">{{t('common.actions')}}</th>
    </tr></thead>
    <tbody>
    % for a in board['agents']:
      <tr data-agent="{{a['agent']}}">
        <td class="mono strong">{{a['agent']}}</td><td>{{a['name']}}</td>
        <td><span class="badge live-state state-{{a['state']}}">{{t('live.state.' + a['state']) if a['state'] in ('logged-out', 'idle', 'ringing', 'reserved', 'on-call', 'wrap-up', 'paused') else a['state']}}</span>
          % if a['state'] == 'paused' and a['reason_label']:
          <span class="small muted">{{a['reason_label']}}</span>
          % end
        </td>
        <td class="num mono">{{clock(a['time_in_state'])}}</td>
        <td class="mono">{{a['caller']}}</td>
        <td class="mono">{{a['contact']}}</td>
        <td class="actions">
          % if a['state'] == 'paused':
          <form method="post" action="/supervisor/agents/ready">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <input type="hidden" name="agent" value="{{a['agent']}}">
            <button type="submit" class="btn btn-small">{{t('agentc.ready')}}</button>
          </form>
          % elif a['state'] != 'logged-out':
          <form method="post" action="/supervisor/agents/pause">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <input type="hidden" name="agent" value="{{a['agent']}}">
            <select name="reason" aria-label="{{t('agentc.pause_reason')}}">
              % if pause_codes:
              % for code in pause_codes:
              <option value="{{code.code}}">{{code.label(lang)}}</option>
              % end
              % else:
              <option value="{{fallback_pause}}">{{t('agentc.pause_generic')}}</option>
              % end
            </select>
            <button type="submit" class="btn btn-small">{{t('agentc.pause')}}</button>
          </form>
          % end
          % if a['state'] != 'logged-out':
          <form method="post" action="/supervisor/agents/logout">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <input type="hidden" name="agent" value="{{a['agent']}}">
            <button type="submit" class="btn btn-small btn-danger-ghost">{{t('sup.force_logout')}}</button>
          </form>
          % end
          % if is_admin:
          <details class="row-more">
            <summary>{{t('sup.api_token')}}</summary>
            <form method="post" action="/supervisor/agents/token">
              <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
              <input type="hidden" name="agent" value="{{a['agent']}}">
              <button type="submit" class="btn btn-small">{{t('agentc.token_create')}}</button>
            </form>
            <form method="post" action="/supervisor/agents/token/revoke">
              <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
              <input type="hidden" name="agent" value="{{a['agent']}}">
              <button type="submit" class="btn btn-small btn-danger-ghost">{{t('agentc.token_revoke')}}</button>
            </form>
          </details>
          % end
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('sup.no_agents')}}</p>
  % end
</section>
% end
