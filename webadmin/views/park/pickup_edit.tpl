% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
</div>
<section class="card form-card">
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="{{action}}" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field{{' has-error' if 'name' in errors else ''}}">
      <label for="name">{{t('pickup.name')}}</label>
      <input id="name" name="name" type="text" value="{{values['name']}}" maxlength="64" autocomplete="off">
      % if 'name' in errors:
      <div class="field-error" id="name-error">{{errors['name']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'members' in errors else ''}}">
      <label for="members">{{t('pickup.members')}}</label>
      <input id="members" name="members" type="text" value="{{values['members']}}" maxlength="1000" autocomplete="off">
      <div class="hint">{{t('pickup.members_hint')}}</div>
      % if 'members' in errors:
      <div class="field-error" id="members-error">{{errors['members']}}</div>
      % end
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/pickup">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
