% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
</div>
<section class="card form-card wide-form">
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="{{'/agents/%s/edit' % original if original else '/agents'}}" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <fieldset class="group">
      <legend>{{t('queues.group.basics')}}</legend>
      % for name, label, hint, kind in (('number', 'agents.number', 'agents.number_hint', 'text'), ('name', 'agents.name', '', 'text'), ('pin', 'agents.pin', 'agents.pin_keep_hint' if original else 'agents.pin_hint', 'password'), ('pin_confirm', 'agents.pin_confirm', '', 'password'), ('default_extension', 'agents.default_extension', 'agents.default_extension_hint', 'text')):
      <div class="field{{' has-error' if name in errors else ''}}">
        <label for="{{name}}">{{t(label)}}</label>
        <input id="{{name}}" name="{{name}}" type="{{kind}}"{{!' inputmode="numeric"' if name != 'name' else ''}} value="{{'' if kind == 'password' else values.get(name, '')}}" maxlength="64" autocomplete="{{'new-password' if kind == 'password' else 'off'}}">
        % if hint:
        <div class="hint">{{t(hint)}}</div>
        % end
        % if name in errors:
        <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
        % end
      </div>
      % end
      <div class="field check">
        <label><input type="checkbox" name="enabled" value="1"{{' checked' if values['enabled'] else ''}}> {{t('agents.enabled')}}</label>
      </div>
    </fieldset>
    <fieldset class="group" id="group-skills">
      <legend>{{t('agents.skills')}}</legend>
      <input type="hidden" name="skills_present" value="1">
      % if 'skills' in errors:
      <div class="field-error" id="skills-error">{{errors['skills']}}</div>
      % end
      % if skills:
      <table class="data compact" id="agent-skills">
        <thead><tr><th>{{t('queues.skill.skill')}}</th><th>{{t('agents.skill.level')}}</th></tr></thead>
        <tbody>
        % for skill in skills:
          <tr data-skill="{{skill.name}}">
            <td>{{skill.name}} <span class="sub">{{skill.description}}</span></td>
            <td>
              <select name="skill_{{skill.id}}" aria-label="{{t('agents.skill.level')}} {{skill.name}}">
                <option value="">{{t('agents.skill.none')}}</option>
                % for level in levels:
                <option value="{{level}}"{{' selected' if values['skills'].get(skill.name) == level else ''}}>{{level}}</option>
                % end
              </select>
              % if 'skill.%s.level' % skill.name in errors:
              <div class="field-error">{{errors['skill.%s.level' % skill.name]}}</div>
              % end
            </td>
          </tr>
        % end
        </tbody>
      </table>
      % else:
      <p class="muted">{{t('agents.skills_none')}}</p>
      % end
    </fieldset>
    <fieldset class="group" id="group-queues">
      <legend>{{t('agents.queues')}}</legend>
      <input type="hidden" name="memberships_present" value="1">
      % if 'memberships' in errors:
      <div class="field-error" id="memberships-error">{{errors['memberships']}}</div>
      % end
      % if queues:
      <table class="data compact" id="agent-queues">
        <thead><tr><th>{{t('agents.membership.queue')}}</th><th>{{t('queues.member.kind')}}</th><th>{{t('queues.member.penalty')}}</th></tr></thead>
        <tbody>
        % for queue in queues:
          % row = values['memberships'].get(queue.number, {})
          <tr data-queue="{{queue.number}}">
            <td><span class="mono strong">{{queue.number}}</span> {{queue.name}}</td>
            <td>
              <select name="queue_kind_{{queue.number}}" aria-label="{{t('queues.member.kind')}} {{queue.number}}">
                <option value="">{{t('member.kind.none')}}</option>
                % for kind in member_kinds:
                <option value="{{kind}}"{{' selected' if row.get('kind') == kind else ''}}>{{t('member.kind.' + kind)}}</option>
                % end
              </select>
              % if 'membership.%s.kind' % queue.number in errors:
              <div class="field-error">{{errors['membership.%s.kind' % queue.number]}}</div>
              % end
            </td>
            <td>
              <input class="short" type="text" inputmode="numeric" name="queue_penalty_{{queue.number}}" value="{{row.get('penalty', '0')}}" maxlength="8" aria-label="{{t('queues.member.penalty')}} {{queue.number}}">
              % if 'membership.%s.penalty' % queue.number in errors:
              <div class="field-error" id="membership-{{queue.number}}-penalty-error">{{errors['membership.%s.penalty' % queue.number]}}</div>
              % end
            </td>
          </tr>
        % end
        </tbody>
      </table>
      % else:
      <p class="muted">{{t('agents.queues_none')}}</p>
      % end
    </fieldset>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/agents">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
