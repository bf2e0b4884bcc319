% rebase('layout.tpl')
<div class="page-head">
  <h1>{{title}}</h1>
</div>
<section class="card form-card wide-form">
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="{{'/queues/%s/edit' % original if original else '/queues'}}" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <fieldset class="group" id="group-basics">
      <legend>{{t('queues.group.basics')}}</legend>
      <div class="field{{' has-error' if 'number' in errors else ''}}">
        <label for="number">{{t('queues.number')}}</label>
        <input id="number" name="number" type="text" inputmode="numeric" value="{{values['number']}}" maxlength="16" autocomplete="off">
        <div class="hint">{{t('queues.number_hint')}}</div>
        % if 'number' in errors:
        <div class="field-error" id="number-error">{{errors['number']}}</div>
        % end
      </div>
      <div class="field{{' has-error' if 'name' in errors else ''}}">
        <label for="name">{{t('queues.name')}}</label>
        <input id="name" name="name" type="text" value="{{values['name']}}" maxlength="64" autocomplete="off">
        % if 'name' in errors:
        <div class="field-error" id="name-error">{{errors['name']}}</div>
        % end
      </div>
    </fieldset>
    % for group, settings in groups:
    <fieldset class="group" id="group-{{group}}">
      <legend>{{t('queues.group.' + group)}}</legend>
      % for s in settings:
      % if s.kind == 'bool':
      <div class="field check{{' has-error' if s.key in errors else ''}}">
        <label><input type="checkbox" id="{{s.key}}" name="{{s.key}}" value="1"{{' checked' if values.get(s.key) else ''}}> {{t('queues.field.' + s.key)}}</label>
      % else:
      <div class="field{{' has-error' if s.key in errors else ''}}{{' wide' if s.kind == 'text' and s.high > 64 else ''}}">
        <label for="{{s.key}}">{{t('queues.field.' + s.key)}}</label>
        % if s.kind == 'choice':
        <select id="{{s.key}}" name="{{s.key}}">
          % for value, label in choices[s.key]:
          <option value="{{value}}"{{' selected' if value == values.get(s.key) else ''}}>{{label}}</option>
          % end
        </select>
        % elif s.key == 'moh_class':
        <select id="moh_class" name="moh_class">
          % for value, exists in moh_classes:
          <option value="{{value}}"{{' selected' if value == values.get(s.key) else ''}}>{{value if exists else t('moh.missing', name=value)}}</option>
          % end
        </select>
        % else:
        <input id="{{s.key}}" name="{{s.key}}" type="text"{{!' inputmode="decimal"' if s.kind in ('int', 'seconds', 'days', 'decimal') else ''}} value="{{values.get(s.key, '')}}" maxlength="{{int(s.high) if s.kind == 'text' else 32}}" autocomplete="off">
        % end
      % end
        % if s.key in helps:
        <div class="hint">{{t('queues.help.' + s.key)}}</div>
        % end
        % if s.key in errors:
        <div class="field-error" id="{{s.key}}-error">{{errors[s.key]}}</div>
        % end
      </div>
      % end
    </fieldset>
    % end
    <fieldset class="group" id="group-members">
      <legend>{{t('queues.group.members')}}</legend>
      <input type="hidden" name="members_present" value="1">
      % if 'members' in errors:
      <div class="field-error" id="members-error">{{errors['members']}}</div>
      % end
      % if agents:
      <p class="hint">{{t('queues.members_hint')}}</p>
      <table class="data compact" id="members">
        <thead>
          <tr>
            <th>{{t('queues.member.agent')}}</th>
            <th>{{t('queues.member.kind')}}</th>
            <th>{{t('queues.member.penalty')}}</th>
            <th>{{t('queues.member.position')}}</th>
            <th>{{t('queues.member.weight')}}</th>
          </tr>
        </thead>
        <tbody>
        % for agent in agents:
          % row = values['members'].get(agent.number, {})
          <tr data-agent="{{agent.number}}">
            <td><span class="mono strong">{{agent.number}}</span> {{agent.name}}
              % if agent.number in unqualified:
              <span class="badge badge-danger">{{t('queues.member.unqualified')}}</span>
              % end
            </td>
            <td>
              <select name="member_kind_{{agent.number}}" aria-label="{{t('queues.member.kind')}} {{agent.number}}">
                <option value="">{{t('member.kind.none')}}</option>
                % for kind in member_kinds:
                <option value="{{kind}}"{{' selected' if row.get('kind') == kind else ''}}>{{t('member.kind.' + kind)}}</option>
                % end
              </select>
              % if 'member.%s.kind' % agent.number in errors:
              <div class="field-error" id="member-{{agent.number}}-kind-error">{{errors['member.%s.kind' % agent.number]}}</div>
              % end
            </td>
            % for f, default in (('penalty', '0'), ('position', '0'), ('weight', '1')):
            <td>
              <input class="short" type="text" inputmode="decimal" name="member_{{f}}_{{agent.number}}" value="{{row.get(f, default)}}" maxlength="8" aria-label="{{t('queues.member.' + f)}} {{agent.number}}">
              % if 'member.%s.%s' % (agent.number, f) in errors:
              <div class="field-error" id="member-{{agent.number}}-{{f}}-error">{{errors['member.%s.%s' % (agent.number, f)]}}</div>
              % end
            </td>
            % end
          </tr>
        % end
        </tbody>
      </table>
      % else:
      <p class="muted">{{t('queues.members_none')}}</p>
      % end
    </fieldset>
    <fieldset class="group" id="group-skills">
      <legend>{{t('queues.group.skills')}}</legend>
      <input type="hidden" name="skills_present" value="1">
      % if 'skills' in errors:
      <div class="field-error" id="skills-error">{{errors['skills']}}</div>
      % end
      % if skills:
      <table class="data compact" id="required-skills">
        <thead><tr><th>{{t('queues.skill.skill')}}</th><th>{{t('queues.skill.min_level')}}</th></tr></thead>
        <tbody>
        % for skill in skills:
          <tr data-skill="{{skill.name}}">
            <td>{{skill.name}} <span class="sub">{{skill.description}}</span></td>
            <td>
              <select name="skill_{{skill.id}}" aria-label="{{t('queues.skill.min_level')}} {{skill.name}}">
                <option value="">{{t('queues.skill.none')}}</option>
                % for level in levels:
                <option value="{{level}}"{{' selected' if values['skills'].get(skill.name) == level else ''}}>{{level}}</option>
                % end
              </select>
              % if 'skill.%s.min_level' % skill.name in errors:
              <div class="field-error">{{errors['skill.%s.min_level' % skill.name]}}</div>
              % end
            </td>
          </tr>
        % end
        </tbody>
      </table>
      % else:
      <p class="muted">{{t('queues.skills_none')}}</p>
      % end
    </fieldset>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary">{{t('common.save')}}</button>
      <a class="btn" href="/queues">{{t('common.cancel')}}</a>
    </div>
  </form>
</section>
