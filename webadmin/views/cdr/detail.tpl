% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
  <a class="btn" href="/cdr">‹ {{t('common.back')}}</a>
</div>
<section class="card">
  <table class="data kv">
    <tbody>
      <tr><th scope="row">{{t('cdr.caller')}}</th><td><span class="mono">{{call.caller}}</span> {{call.caller_name}}</td></tr>
      <tr><th scope="row">{{t('cdr.callee')}}</th><td class="mono">{{call.callee}}</td></tr>
      <tr><th scope="row">{{t('cdr.start')}}</th><td>{{local_time(call.start)}}</td></tr>
      <tr><th scope="row">{{t('cdr.answer')}}</th><td>{{local_time(call.answer)}}</td></tr>
      <tr><th scope="row">{{t('cdr.end')}}</th><td>{{local_time(call.end)}}</td></tr>
      <tr><th scope="row">{{t('cdr.billsec')}}</th><td>{{call.billsec}}</td></tr>
      <tr><th scope="row">{{t('cdr.duration')}}</th><td>{{call.duration}}</td></tr>
      <tr><th scope="row">{{t('cdr.disposition')}}</th><td>{{disposition(call.disposition)}}</td></tr>
      <tr><th scope="row">{{t('cdr.status')}}</th><td class="mono">{{call.status_code or ''}}</td></tr>
      <tr><th scope="row">{{t('cdr.hangup_by')}}</th><td>{{hangup_by(call.hangup_by)}}</td></tr>
    </tbody>
  </table>
</section>
<section class="card flush">
  <h2 class="card-title">{{t('cdr.legs')}}</h2>
  % if legs:
  <table class="data" id="legs">
    <thead>
      <tr>
        <th>{{t('leg.role')}}</th>
        <th>{{t('leg.peer')}}</th>
        <th>{{t('cdr.start')}}</th>
        <th>{{t('cdr.answer')}}</th>
        <th>{{t('cdr.end')}}</th>
        <th class="num">{{t('cdr.status')}}</th>
        <th>{{t('leg.call_id')}}</th>
      </tr>
    </thead>
    <tbody>
    % for leg in legs:
      <tr>
        <td>{{leg_role(leg.role)}}</td>
        <td class="mono">{{leg.peer}}</td>
        <td class="nowrap">{{local_time(leg.start)}}</td>
        <td class="nowrap">{{local_time(leg.answer)}}</td>
        <td class="nowrap">{{local_time(leg.end)}}</td>
        <td class="num mono">{{leg.status_code or ''}}</td>
        <td class="mono small">{{leg.sip_call_id}}</td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('leg.none')}}</p>
  % end
</section>
