% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{title}}</h1>
    <p class="muted">{{t('voicemail.messages_intro')}}</p>
  </div>
  <a class="btn" href="/voicemail">{{t('voicemail.back')}}</a>
</div>
<section class="card flush">
  <table class="data" id="messages">
    <thead>
      <tr>
        <th>{{t('voicemail.received')}}</th>
        <th>{{t('voicemail.caller')}}</th>
        <th class="num">{{t('voicemail.length')}}</th>
        <th>{{t('voicemail.folder')}}</th>
        <th>{{t('voicemail.listen')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % if not rows:
      <tr><td colspan="6" class="sub">{{t('voicemail.no_messages')}}</td></tr>
    % end
    % for m in rows:
      <tr data-message="{{m.id}}">
        <td>{{local_time(m.received_at)}}</td>
        <td>{{m.caller or '?'}}{{(' · ' + m.caller_name) if m.caller_name else ''}}</td>
        <td class="num">{{length(m.duration)}}</td>
        <td>{{t('voicemail.folder_' + m.folder)}}{{'' if m.heard else ' · ' + t('voicemail.unheard')}}</td>
        <td><audio controls preload="none" src="/voicemail/{{mailbox.number}}/{{m.id}}.wav">{{t('moh.no_audio')}}</audio></td>
        <td class="actions">
          <a class="btn btn-small" href="/voicemail/{{mailbox.number}}/{{m.id}}.wav?download=1">{{t('voicemail.download')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/voicemail/{{mailbox.number}}/{{m.id}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
</section>
