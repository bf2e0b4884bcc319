% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('cdr.title')}}</h1>
    <p class="muted">{{t('common.times_local')}}</p>
  </div>
</div>
<section class="card flush">
  % if page.items:
  <table class="data" id="cdr">
    <thead>
      <tr>
        <th>{{t('cdr.caller')}}</th>
        <th>{{t('cdr.callee')}}</th>
        <th>{{t('cdr.start')}}</th>
        <th>{{t('cdr.answer')}}</th>
        <th>{{t('cdr.end')}}</th>
        <th class="num">{{t('cdr.billsec')}}</th>
        <th>{{t('cdr.disposition')}}</th>
        <th class="num">{{t('cdr.status')}}</th>
        <th class="num">{{t('cdr.legs')}}</th>
      </tr>
    </thead>
    <tbody>
    % for call in page.items:
      <tr>
        <td>
          <span class="mono">{{call.caller}}</span>
          % if call.caller_name:
          <div class="sub">{{call.caller_name}}</div>
          % end
        </td>
        <td class="mono">{{call.callee}}</td>
        <td class="nowrap">{{local_time(call.start)}}</td>
        <td class="nowrap">{{local_time(call.answer)}}</td>
        <td class="nowrap">{{local_time(call.end)}}</td>
        <td class="num">{{call.billsec}}</td>
        <td><span class="badge {{'badge-ok' if call.disposition == 'ANSWERED' else 'badge-off'}}">{{disposition(call.disposition)}}</span></td>
        <td class="num mono">{{call.status_code or ''}}</td>
        <td class="num"><a href="/cdr/{{call.id}}" title="{{t('common.details')}}">{{call.leg_count}} ›</a></td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('cdr.empty')}}</p>
  % end
</section>
% include('_pager.tpl', base_url='/cdr')
