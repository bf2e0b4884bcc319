% rebase('layout.tpl')
<section class="card auth-card">
  <h1>{{t('login.title')}}</h1>
  % if error:
  <div class="flash flash-error" role="alert">{{error}}</div>
  % end
  <form method="post" action="/login">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <input type="hidden" name="next" value="{{target}}">
    <div class="field">
      <label for="username">{{t('user.username')}}</label>
      <input id="username" name="username" type="text" value="{{username}}" autocomplete="username" maxlength="64" required autofocus>
    </div>
    <div class="field">
      <label for="password">{{t('user.password')}}</label>
      <input id="password" name="password" type="password" autocomplete="current-password" maxlength="128" required>
    </div>
    <button type="submit" class="btn btn-primary btn-block">{{t('login.submit')}}</button>
  </form>
</section>
