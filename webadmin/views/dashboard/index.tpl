% rebase('layout.tpl')
<div class="page-head">
  <h1>{{t('dashboard.title')}}</h1>
</div>
% if board_error:
<div class="flash flash-error" role="alert" id="board-error">
  {{t('ports.board_error', board=board_error['board'], at=board_error['at'], error=board_error['error'])}}
  <a href="/ports">{{t('nav.ports')}}</a>
</div>
% end
<div class="stats">
  <div class="card stat">
    <div class="stat-label">{{t('dashboard.core')}}</div>
    % if core is not None:
    <div class="stat-value"><span class="badge badge-ok">{{t('dashboard.core_ok')}}</span></div>
    % else:
    <div class="stat-value"><span class="badge badge-danger" id="core-down">{{t('core.not_reachable')}}</span></div>
    % end
  </div>
  <a class="card stat" href="/extensions">
    <div class="stat-label">{{t('dashboard.extensions')}}</div>
    <div class="stat-value">{{extension_count}}</div>
  </a>
  <a class="card stat" href="/cdr">
    <div class="stat-label">{{t('dashboard.calls_24h')}}</div>
    <div class="stat-value">{{calls_24h}}</div>
  </a>
  <a class="card stat" href="/bans">
    <div class="stat-label">{{t('dashboard.bans')}}</div>
    <div class="stat-value">{{'—' if ban_count is None else ban_count}}</div>
  </a>
</div>
<section class="card">
  <h2>{{t('dashboard.core_details')}}</h2>
  % if core is None:
  <div class="flash flash-warning">{{t('core.not_reachable')}}. {{t('core.not_reachable_hint')}}</div>
  % else:
  <table class="data kv" id="core-status">
    <tbody>
    % for label, value in core:
      <tr><th scope="row">{{label}}</th><td>{{value}}</td></tr>
    % end
    </tbody>
  </table>
  % end
</section>
