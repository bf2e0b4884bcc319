% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('pausecodes.title')}}</h1>
    <p class="muted">{{t('pausecodes.intro')}}</p>
  </div>
  <a class="btn btn-primary" href="/pausecodes/new" id="new-pausecode">+ {{t('pausecodes.new')}}</a>
</div>
<section class="card flush">
  % if rows:
  <table class="data" id="pausecodes">
    <thead>
      <tr>
        <th>{{t('pausecodes.code')}}</th>
        <th>{{t('pausecodes.label_zh')}}</th>
        <th>{{t('pausecodes.label_en')}}</th>
        <th>{{t('pausecodes.productive')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for row in rows:
      <tr data-code="{{row.code}}">
        <td class="mono strong">{{row.code}}</td>
        <td lang="zh-CN">{{row.label_zh}}</td>
        <td lang="en">{{row.label_en}}</td>
        <td>{{t('common.yes') if row.productive else t('common.no')}}</td>
        <td class="actions">
          <a class="btn btn-small" href="/pausecodes/{{row.id}}/edit">{{t('common.edit')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/pausecodes/{{row.id}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('pausecodes.empty')}}</p>
  % end
</section>
