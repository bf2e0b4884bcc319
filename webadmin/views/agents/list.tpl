% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('agents.title')}}</h1>
    <p class="muted" id="agent-count">{{t('agents.count', count=len(rows))}}</p>
  </div>
  <a class="btn btn-primary" href="/agents/new" id="new-agent">+ {{t('agents.new')}}</a>
</div>
<section class="card flush">
  % if rows:
  <table class="data" id="agents">
    <thead>
      <tr>
        <th>{{t('agents.number')}}</th>
        <th>{{t('agents.name')}}</th>
        <th>{{t('agents.default_extension')}}</th>
        <th>{{t('agents.skills')}}</th>
        <th>{{t('agents.queues')}}</th>
        <th>{{t('agents.state')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for agent, skills, queues in rows:
      <tr data-agent="{{agent.number}}">
        <td class="mono strong">{{agent.number}}</td>
        <td>{{agent.name}}</td>
        <td class="mono">{{agent.default_extension or ''}}</td>
        <td class="skills">{{', '.join(skills)}}</td>
        <td class="queues mono">{{', '.join(queues)}}</td>
        <td>
          % if agent.enabled:
          <span class="badge badge-ok">{{t('agents.state_on')}}</span>
          % else:
          <span class="badge badge-off">{{t('agents.state_off')}}</span>
          % end
        </td>
        <td class="actions">
          <a class="btn btn-small" href="/agents/{{agent.number}}/edit">{{t('common.edit')}}</a>
          <a class="btn btn-small" href="/agents/{{agent.number}}/pin">{{t('agents.pin_link')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/agents/{{agent.number}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('agents.empty')}}</p>
  % end
</section>
