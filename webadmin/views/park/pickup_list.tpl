% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('pickup.title')}}</h1>
    <p class="muted">{{t('pickup.intro')}}</p>
  </div>
  <a class="btn btn-primary" href="/pickup/new" id="new-pickup">+ {{t('pickup.new')}}</a>
</div>
<section class="card flush">
  % if rows:
  <table class="data" id="pickup-groups">
    <thead>
      <tr>
        <th>{{t('pickup.name')}}</th>
        <th>{{t('pickup.members')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for row in rows:
      <tr data-group="{{row.name}}">
        <td class="strong">{{row.name}}</td>
        <td class="mono">{{row.members}}</td>
        <td class="actions">
          <a class="btn btn-small" href="/pickup/{{row.id}}/edit">{{t('common.edit')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/pickup/{{row.id}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('pickup.empty')}}</p>
  % end
</section>
