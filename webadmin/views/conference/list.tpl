% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('conference.title')}}</h1>
    <p class="muted">{{t('conference.intro')}}</p>
  </div>
  <a class="btn btn-primary" href="/conference/new" id="new-room">+ {{t('conference.new')}}</a>
</div>
<section class="card flush">
  % if rows:
  <table class="data" id="rooms">
    <thead>
      <tr>
        <th>{{t('conference.number')}}</th>
        <th>{{t('conference.name')}}</th>
        <th>{{t('conference.has_pin')}}</th>
        <th>{{t('conference.max_participants')}}</th>
        <th>{{t('conference.locked')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for row in rows:
      <tr data-room="{{row.number}}">
        <td class="mono strong">{{row.number}}</td>
        <td>{{row.name}}</td>
        <td>{{t('common.yes') if row.pin_hash else t('common.no')}}</td>
        <td>{{row.max_participants}}</td>
        <td>{{t('common.yes') if row.locked else t('common.no')}}</td>
        <td class="actions">
          <a class="btn btn-small" href="/conference/{{row.id}}/live">{{t('conference.live')}}</a>
          <a class="btn btn-small" href="/conference/{{row.id}}/edit">{{t('common.edit')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/conference/{{row.id}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('conference.empty')}}</p>
  % end
</section>
