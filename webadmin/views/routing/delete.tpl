% rebase('layout.tpl')
<section class="card form-card">
  <h1>{{title}}</h1>
  % if error:
  <div class="flash flash-error" role="alert" id="delete-error">{{error}}</div>
  % end
  <p>{{t('routing.delete_text', what=what)}}</p>
  <form method="post" action="/{{spec.key}}/{{item_id}}/delete" class="form-actions">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <button type="submit" class="btn btn-danger">{{t('common.delete')}}</button>
    <a class="btn" href="/{{spec.key}}">{{t('common.cancel')}}</a>
  </form>
</section>
