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
<section class="card form-card" id="greetings">
  <h2>{{t('voicemail.greetings_title')}}</h2>
  <p class="muted">{{t('voicemail.greetings_intro')}}</p>
  <table class="data">
    <tbody>
    % for kind in kinds:
      <tr data-greeting="{{kind}}">
        <td>{{t('voicemail.greeting_' + kind)}}</td>
        % if getattr(mailbox, 'greeting_' + kind):
        <td><audio controls preload="none" src="/voicemail/{{mailbox.number}}/greeting/{{kind}}.wav">{{t('moh.no_audio')}}</audio></td>
        <td class="actions">
          <form method="post" action="/voicemail/{{mailbox.number}}/greeting/{{kind}}/delete">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <button type="submit" class="btn btn-small btn-danger-ghost">{{t('voicemail.greeting_default')}}</button>
          </form>
        </td>
        % else:
        <td colspan="2" class="sub">{{t('voicemail.greeting_spoken')}}</td>
        % end
      </tr>
    % end
    </tbody>
  </table>
  % if greeting_error:
  <div class="flash flash-error" role="alert" id="greeting-error">{{greeting_error}}</div>
  % end
  <form method="post" action="/voicemail/{{mailbox.number}}/greeting" enctype="multipart/form-data" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field">
      <label for="kind">{{t('voicemail.greeting_kind')}}</label>
      <select id="kind" name="kind">
        % for kind in kinds:
        <option value="{{kind}}">{{t('voicemail.greeting_' + kind)}}</option>
        % end
      </select>
    </div>
    <div class="field">
      <label for="file">{{t('voicemail.greeting_file')}}</label>
      <input id="file" name="file" type="file" accept="audio/*,.wav,.mp3,.ogg,.oga,.flac">
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('voicemail.greeting_upload')}}</button>
    </div>
  </form>
</section>
