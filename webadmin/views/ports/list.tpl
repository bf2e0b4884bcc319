% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('ports.title')}}</h1>
    <p class="muted">{{t('ports.intro')}} <span id="ports-updated" data-stale="{{t('ports.stale')}}"></span></p>
  </div>
</div>
% if ports is None:
<div class="flash flash-warning" role="status" id="core-down">{{t('core.not_reachable_hint')}}</div>
% end
<section class="card flush">
  <h2 class="card-title">{{t('ports.analog')}}</h2>
  % if main:
  <table class="data" id="ports">
    <thead>
      <tr>
        <th>{{t('ports.port')}}</th>
        <th>{{t('ports.kind')}}</th>
        <th>{{t('ports.state')}}</th>
        <th>{{t('ports.number')}}</th>
        <th>{{t('ports.label')}}</th>
        <th>{{t('ports.fault')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for p in main:
      <tr data-port="{{p['name']}}">
        <td class="mono strong">{{p['name']}}</td>
        <td>{{p['kind']}}</td>
        <td><span class="badge state-{{p['state'] or ''}}" data-field="state">{{p['state'] or ''}}</span></td>
        <td class="mono" data-field="number">{{p['number'] or ''}}</td>
        <td data-field="label">{{p['label'] or ''}}</td>
        <td class="fault" data-field="fault">{{', '.join([x for x in [p['fault'] or ''] + p['alarms'] if x])}}</td>
        <td class="actions"><a class="btn btn-small" href="/ports/{{p['name']}}/edit">{{t('common.edit')}}</a></td>
      </tr>
    % end
    </tbody>
  </table>
  % elif board_error:
  <div class="flash flash-error" role="alert" id="board-error">
    <p>{{t('ports.board_error', board=board_error['board'], at=board_error['at'], error=board_error['error'])}}</p>
    <p class="sub">{{t('ports.board_error_hint')}}</p>
  </div>
  % else:
  <p class="empty">{{t('ports.none')}}</p>
  % end
</section>
% if channels:
<section class="card">
  <h2 class="card-title">{{t('ports.channels')}}</h2>
  <div class="channel-grid" id="channels">
    % for c in channels:
    <div class="channel state-{{c['state'] or ''}}" data-port="{{c['name']}}" title="{{c['name']}}">
      <span class="mono">{{c['name'].split('/')[-1]}}</span>
      <span class="channel-state" data-field="state">{{c['state'] or ''}}</span>
    </div>
    % end
  </div>
</section>
% end
% if simulator:
<section class="card" id="virtual-phone">
  <h2 class="card-title">{{t('sim.title')}}</h2>
  <p class="muted">{{t('sim.intro')}}</p>
  <div class="sim-grid">
    <form method="post" action="/ports/sim" class="sim-form" id="sim-fxs">
      <h3>{{t('sim.fxs')}}</h3>
      <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
      <label>{{t('ports.port')}} <select name="port">
        % for name in fxs:
        <option value="{{name}}">{{name}}</option>
        % end
      </select></label>
      <label>{{t('sim.digits')}} <input name="digits" type="text" inputmode="numeric" maxlength="32" autocomplete="off"></label>
      <div class="form-actions">
        <button type="submit" name="action" value="offhook" class="btn">{{t('sim.offhook')}}</button>
        <button type="submit" name="action" value="dial" class="btn">{{t('sim.dial')}}</button>
        <button type="submit" name="action" value="onhook" class="btn">{{t('sim.onhook')}}</button>
      </div>
    </form>
    <form method="post" action="/ports/sim" class="sim-form" id="sim-fxo">
      <h3>{{t('sim.fxo')}}</h3>
      <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
      <input type="hidden" name="action" value="ring">
      <label>{{t('ports.port')}} <select name="port">
        % for name in fxo:
        <option value="{{name}}">{{name}}</option>
        % end
      </select></label>
      <label>{{t('sim.cid_number')}} <input name="cid_number" type="text" inputmode="numeric" maxlength="32" autocomplete="off"></label>
      <label>{{t('sim.cid_name')}} <input name="cid_name" type="text" maxlength="32" autocomplete="off"></label>
      <div class="form-actions"><button type="submit" class="btn">{{t('sim.ring')}}</button></div>
    </form>
    <form method="post" action="/ports/sim" class="sim-form" id="sim-e1">
      <h3>{{t('sim.e1')}}</h3>
      <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
      <label>{{t('sim.calling')}} <input name="calling" type="text" inputmode="numeric" maxlength="32" autocomplete="off"></label>
      <label>{{t('sim.called')}} <input name="called" type="text" inputmode="numeric" maxlength="32" autocomplete="off"></label>
      <label>{{t('sim.call')}} <input name="call" type="text" inputmode="numeric" maxlength="9" autocomplete="off"></label>
      <div class="form-actions">
        <button type="submit" name="action" value="e1_call" class="btn">{{t('sim.e1_call')}}</button>
        <button type="submit" name="action" value="e1_hangup" class="btn">{{t('sim.e1_hangup')}}</button>
        <button type="submit" name="action" value="los_on" class="btn btn-danger-ghost">{{t('sim.los_on')}}</button>
        <button type="submit" name="action" value="los_off" class="btn">{{t('sim.los_off')}}</button>
      </div>
    </form>
  </div>
</section>
% end
<script src="/static/ports.js" defer></script>
