% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{title}}</h1>
    <p class="muted">{{row.name}}</p>
  </div>
  <form method="post" action="/conference/{{row.id}}/live/{{'unlock' if locked else 'lock'}}">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <button type="submit" class="btn" id="lock">{{t('conference.unlock') if locked else t('conference.lock')}}</button>
  </form>
</div>
% if not reachable:
<div class="flash flash-warning" role="alert">{{t('core.unreachable')}}</div>
% end
<section class="card flush">
  % if participants:
  <table class="data" id="participants">
    <thead>
      <tr>
        <th>{{t('conference.caller')}}</th>
        <th>{{t('conference.role')}}</th>
        <th>{{t('conference.muted')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for p in participants:
      <tr data-participant="{{p['id']}}">
        <td class="mono strong">{{p['caller']}} {{p.get('name', '')}}</td>
        <td>{{p['role']}}</td>
        <td>{{t('common.yes') if p['muted'] else t('common.no')}}</td>
        <td class="actions">
          % for action in (('unmute',) if p['muted'] else ('mute',)) + ('kick',):
          <form method="post" action="/conference/{{row.id}}/live/{{action}}" class="inline">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <input type="hidden" name="participant" value="{{p['id']}}">
            <button type="submit" class="btn btn-small">{{t('conference.' + action)}}</button>
          </form>
          % end
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('conference.nobody')}}</p>
  % end
</section>
<section class="card form-card">
  <form method="post" action="/conference/{{row.id}}/live/dial">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field">
      <label for="dial-number">{{t('conference.dial')}}</label>
      <input id="dial-number" name="number" type="text" maxlength="32" autocomplete="off">
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('conference.dial')}}</button>
    </div>
  </form>
</section>
