% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('skills.title')}}</h1>
    <p class="muted">{{t('skills.intro')}}</p>
  </div>
  <a class="btn btn-primary" href="/skills/new" id="new-skill">+ {{t('skills.new')}}</a>
</div>
<section class="card flush">
  % if rows:
  <table class="data" id="skills">
    <thead>
      <tr>
        <th>{{t('skills.name')}}</th>
        <th>{{t('skills.description')}}</th>
        <th class="num">{{t('skills.agents')}}</th>
        <th>{{t('skills.queues')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for skill, agents, queues in rows:
      <tr data-skill="{{skill.name}}">
        <td class="strong">{{skill.name}}</td>
        <td>{{skill.description}}</td>
        <td class="num">{{agents}}</td>
        <td class="mono">{{', '.join(queues)}}</td>
        <td class="actions">
          <a class="btn btn-small" href="/skills/{{skill.id}}/edit">{{t('common.edit')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/skills/{{skill.id}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('skills.empty')}}</p>
  % end
</section>
