% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
  <a class="btn btn-primary" href="/{{spec.key}}/new" id="new-item">+ {{t('routing.new')}}</a>
</div>
<section class="card flush">
  % if rows:
  <table class="data" id="{{spec.key}}">
    <thead>
      <tr>
        % for col in spec.columns:
        <th>{{t(spec.key + '.' + col)}}</th>
        % end
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for item_id, values in rows:
      <tr>
        % for col in spec.columns:
        <td class="{{'mono' if col != 'name' else 'strong'}}">{{t('permission.' + values[col]) if col == 'permission' else values[col]}}</td>
        % end
        <td class="actions">
          <a class="btn btn-small" href="/{{spec.key}}/{{item_id}}/edit">{{t('common.edit')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/{{spec.key}}/{{item_id}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('routing.empty')}}</p>
  % end
</section>
