% rebase('layout.tpl')
<section class="card form-card">
  <h1>{{title}}</h1>
  % if 'user' in errors:
  <div class="flash flash-error" role="alert" id="delete-error">{{errors['user']}}</div>
  % end
  <p class="strong">{{person.username}} · {{t('role.' + person.role) if person.role in ('admin', 'supervisor', 'agent') else person.role}}</p>
  <p>{{t('users.delete_text', username=person.username)}}</p>
  <form method="post" action="/users/{{person.id}}/delete" class="form-actions">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <button type="submit" class="btn btn-danger">{{t('users.delete_confirm')}}</button>
    <a class="btn" href="/users">{{t('common.cancel')}}</a>
  </form>
</section>
