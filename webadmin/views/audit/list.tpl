% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('audit.title')}}</h1>
    <p class="muted">{{t('common.times_local')}}</p>
  </div>
</div>
<section class="card flush">
  % if page.items:
  <table class="data" id="audit">
    <thead>
      <tr>
        <th>{{t('audit.time')}}</th>
        <th>{{t('audit.user')}}</th>
        <th>{{t('audit.action')}}</th>
        <th>{{t('audit.target')}}</th>
        <th>{{t('audit.detail')}}</th>
        <th>{{t('audit.address')}}</th>
      </tr>
    </thead>
    <tbody>
    % for row in page.items:
      <tr>
        <td class="nowrap">{{local_time(row.time)}}</td>
        <td>{{row.username}}</td>
        <td><span class="badge {{'badge-danger' if row.action == 'login.failed' else 'badge-info'}}">{{action(row.action)}}</span></td>
        <td class="mono">{{row.target}}</td>
        <td class="small">{{row.detail}}</td>
        <td class="mono small">{{row.remote_addr}}</td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('audit.empty')}}</p>
  % end
</section>
% include('_pager.tpl', base_url='/audit')
