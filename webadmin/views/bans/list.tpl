% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('bans.title')}}</h1>
    <p class="muted">{{t('bans.intro')}}</p>
  </div>
</div>
% if bans is None:
<div class="flash flash-warning" id="core-down">{{t('core.not_reachable')}}. {{t('core.not_reachable_hint')}}</div>
% else:
<section class="card flush">
  % if bans:
  <table class="data" id="bans">
    <thead>
      <tr>
        <th>{{t('bans.address')}}</th>
        <th>{{t('bans.reason')}}</th>
        <th>{{t('bans.expires')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for ban in bans:
      <tr>
        <td class="mono strong">{{ban.get('address', '')}}</td>
        <td>{{ban.get('reason', '')}}</td>
        <td>{{ban.get('expires', '')}}</td>
        <td class="actions">
          <form method="post" action="/bans/lift" class="inline">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <input type="hidden" name="address" value="{{ban.get('address', '')}}">
            <button type="submit" class="btn btn-small">{{t('bans.lift')}}</button>
          </form>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('bans.empty')}}</p>
  % end
</section>
% end
