% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('queues.title')}}</h1>
    <p class="muted" id="queue-count">{{t('queues.count', count=len(rows))}}</p>
  </div>
  <a class="btn btn-primary" href="/queues/new" id="new-queue">+ {{t('queues.new')}}</a>
</div>
<section class="card flush">
  % if rows:
  <table class="data" id="queues">
    <thead>
      <tr>
        <th>{{t('queues.number')}}</th>
        <th>{{t('queues.name')}}</th>
        <th>{{t('queues.strategy')}}</th>
        <th>{{t('queues.members')}}</th>
        <th>{{t('queues.overflow')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for queue, static, dynamic in rows:
      <tr data-queue="{{queue.number}}">
        <td class="mono strong">{{queue.number}}</td>
        <td>{{queue.name}}</td>
        <td class="strategy">{{choice_label('strategy', queue.strategy)}}</td>
        <td class="members">{{t('queues.members_count', static=static, dynamic=dynamic)}}</td>
        <td class="small">
          % for which in ('timeout', 'full', 'no_agents'):
          % kind = getattr(queue, which + '_kind')
          % if kind != 'hangup':
          <div>{{t('queues.field.' + which + '_kind')}}: {{choice_label(which + '_kind', kind)}} <span class="mono">{{getattr(queue, which + '_target')}}</span></div>
          % end
          % end
        </td>
        <td class="actions">
          <a class="btn btn-small" href="/queues/{{queue.number}}/edit">{{t('common.edit')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/queues/{{queue.number}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('queues.empty')}}</p>
  % end
</section>
