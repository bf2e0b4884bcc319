% rebase('layout.tpl')
<section class="card auth-card">
  <h1>{{t('agentc.login_title')}}</h1>
  <p class="muted">{{t('agentc.login_intro')}}</p>
  % if error:
  <div class="flash flash-error" role="alert" id="agent-login-error">{{error}}</div>
  % end
  <form method="post" action="/agent/login">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <input type="hidden" name="next" value="{{target}}">
    <div class="field">
      <label for="agent">{{t('agentc.number')}}</label>
      <input id="agent" name="agent" type="text" inputmode="numeric" value="{{number}}" autocomplete="username" maxlength="32" required autofocus>
    </div>
    <div class="field">
      <label for="pin">{{t('agentc.pin')}}</label>
      <input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="current-password" maxlength="16" required>
    </div>
    <button type="submit" class="btn btn-primary btn-block">{{t('agentc.login_submit')}}</button>
  </form>
  <p class="small muted live-switch"><a href="/login">{{t('agentc.admin_login')}}</a></p>
</section>
