% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('ivr.title')}}</h1>
    <p class="muted">{{t('ivr.intro')}}</p>
  </div>
  <div class="form-actions">
    <a class="btn" href="/ivr/prompts" id="ivr-prompts">{{t('ivr.prompts_title')}}</a>
    <a class="btn btn-primary" href="/ivr/new" id="new-ivr">+ {{t('ivr.new')}}</a>
  </div>
</div>
<section class="card flush">
  % if rows:
  <table class="data" id="ivr-flows">
    <thead>
      <tr>
        <th>{{t('ivr.number')}}</th>
        <th>{{t('ivr.name')}}</th>
        <th>{{t('ivr.language')}}</th>
        <th>{{t('ivr.state')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for row in rows:
      <tr data-number="{{row.number}}">
        <td class="mono strong"><a href="/ivr/{{row.id}}">{{row.number}}</a></td>
        <td>{{row.name}}</td>
        <td>{{row.language}}</td>
        <td>{{t('ivr.active') if row.active else t('ivr.inactive')}}</td>
        <td class="actions">
          <a class="btn btn-small" href="/ivr/{{row.id}}">{{t('ivr.open')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/ivr/{{row.id}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('ivr.empty')}}</p>
  % end
</section>
