% rebase('layout.tpl')
<section class="card form-card">
  <h1>{{title}}</h1>
  % if error:
  <div class="flash flash-error" role="alert" id="delete-error">{{error}}</div>
  % end
  <p class="strong">{{what}}</p>
  <p>{{text}}</p>
  <form method="post" action="{{action}}" class="form-actions">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <button type="submit" class="btn btn-danger">{{confirm}}</button>
    <a class="btn" href="{{back}}">{{t('common.cancel')}}</a>
  </form>
</section>
