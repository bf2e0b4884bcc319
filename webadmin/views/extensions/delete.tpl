% rebase('layout.tpl')
<section class="card form-card">
  <h1>{{title}}</h1>
  % if error:
  <div class="flash flash-error" role="alert" id="delete-error">{{error}}</div>
  % end
  % if ext.name:
  <p class="strong">{{ext.number}} · {{ext.name}}</p>
  % end
  <p>{{t('extensions.delete_text', number=ext.number)}}</p>
  <form method="post" action="/extensions/{{ext.number}}/delete" class="form-actions">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <button type="submit" class="btn btn-danger">{{t('extensions.delete_confirm')}}</button>
    <a class="btn" href="/extensions">{{t('common.cancel')}}</a>
  </form>
</section>
