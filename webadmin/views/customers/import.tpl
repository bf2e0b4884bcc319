% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
</div>
<section class="card form-card wide-form">
  <p>{{t('customers.import_intro')}}</p>
  % if problem:
  <div class="flash flash-error" role="alert" id="import-problem">{{problem}}</div>
  % end
  % if errors:
  <div class="flash flash-error" role="alert">
    <p class="strong">{{t('customers.import_failed')}}</p>
    <ul class="import-errors" id="import-errors">
      % for line in errors:
      <li>{{line}}</li>
      % end
    </ul>
  </div>
  % end
  <form method="post" action="/customers/import" enctype="multipart/form-data">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field">
      <label for="file">{{t('customers.import_file')}}</label>
      <input id="file" name="file" type="file" accept=".csv,text/csv">
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('customers.import_submit')}}</button>
      <a class="btn" href="/customers">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
