% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('users.title')}}</h1>
    <p class="muted" id="user-count">{{t('users.count', count=len(rows))}} {{t('common.times_local')}}</p>
  </div>
  <a class="btn btn-primary" href="/users/new" id="new-user">+ {{t('users.new')}}</a>
</div>
<section class="card flush">
  <table class="data" id="users">
    <thead>
      <tr>
        <th>{{t('user.username')}}</th>
        <th>{{t('users.role')}}</th>
        <th>{{t('users.state')}}</th>
        <th>{{t('users.created')}}</th>
        <th>{{t('users.last_login')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for row in rows:
      <tr data-user="{{row.user.username}}">
        <td class="mono strong">{{row.user.username}}
          % if row.user.id == me.id:
          <span class="badge badge-info">{{t('users.you')}}</span>
          % end
        </td>
        <td class="role">{{t('role.' + row.user.role) if row.user.role in ('admin', 'supervisor', 'agent') else row.user.role}}</td>
        <td class="state">
          % if row.disabled:
          <span class="badge badge-off">{{t('users.state_disabled')}}</span>
          % else:
          <span class="badge badge-ok">{{t('users.state_enabled')}}</span>
          % end
        </td>
        <td class="muted nowrap">{{local_time(row.user.created)}}</td>
        <td class="muted nowrap last-login">{{local_time(row.last_login) if row.last_login else t('users.never')}}</td>
        <td class="actions">
          <a class="btn btn-small" href="/users/{{row.user.id}}/edit">{{t('common.edit')}}</a>
          % if row.user.id != me.id:
          <a class="btn btn-small btn-danger-ghost" href="/users/{{row.user.id}}/delete">{{t('common.delete')}}</a>
          % end
        </td>
      </tr>
    % end
    </tbody>
  </table>
</section>
