% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('extensions.title')}}</h1>
    <p class="muted" id="extension-count">{{t('extensions.count', count=len(rows))}}</p>
  </div>
  <a class="btn btn-primary" href="/extensions/new" id="new-extension">+ {{t('extensions.new')}}</a>
</div>
<section class="card flush">
  % if rows:
  <table class="data" id="extensions">
    <thead>
      <tr>
        <th>{{t('extensions.number')}}</th>
        <th>{{t('extensions.name')}}</th>
        <th>{{t('extensions.permission')}}</th>
        <th>{{t('extensions.state')}}</th>
        <th>{{t('extensions.updated')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for ext in rows:
      <tr>
        <td class="mono strong">{{ext.number}}</td>
        <td>{{ext.name}}</td>
        <td class="permission">{{t('permission.' + ext.permission)}}</td>
        <td>
          % if ext.enabled:
          <span class="badge badge-ok">{{t('extensions.state_on')}}</span>
          % else:
          <span class="badge badge-off">{{t('extensions.state_off')}}</span>
          % end
        </td>
        <td class="muted">{{local_time(ext.updated)}}</td>
        <td class="actions">
          <a class="btn btn-small" href="/extensions/{{ext.number}}/edit">{{t('common.edit')}}</a>
          <a class="btn btn-small" href="/features/extension/{{ext.number}}">{{t('nav.features')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/extensions/{{ext.number}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('extensions.empty')}}</p>
  % end
</section>
