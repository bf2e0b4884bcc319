% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('paging.title')}}</h1>
    <p class="muted">{{t('paging.intro')}}</p>
  </div>
  <a class="btn btn-primary" href="/paging/new" id="new-paging">+ {{t('paging.new')}}</a>
</div>
<section class="card flush">
  % if rows:
  <table class="data" id="paging-groups">
    <thead>
      <tr>
        <th>{{t('paging.number')}}</th>
        <th>{{t('paging.name')}}</th>
        <th>{{t('paging.members')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for row in rows:
      <tr data-group="{{row.number}}">
        <td class="mono strong">{{row.number}}</td>
        <td>{{row.name}}</td>
        <td class="mono">{{row.members}}</td>
        <td class="actions">
          <a class="btn btn-small" href="/paging/{{row.id}}/edit">{{t('common.edit')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/paging/{{row.id}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('paging.empty')}}</p>
  % end
</section>
