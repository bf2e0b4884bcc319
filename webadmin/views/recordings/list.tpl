% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('recording.title')}}</h1>
    <p class="muted">{{t('recording.intro')}}</p>
  </div>
  % if is_admin:
  <a class="btn" href="/recordings/rules">{{t('recording.rules_link')}}</a>
  % end
</div>
% if disk is None:
<div class="flash flash-info" role="status" id="disk-unknown">{{t('recording.core_unknown')}}</div>
% elif disk.get('low_space'):
<div class="flash flash-warning" role="alert" id="low-space">{{t('recording.low_space', free=str(int(disk['free_mb'])), reserve=str(disk['reserve_mb']))}}</div>
% end
<section class="card form-card" id="search">
  <h2>{{t('recording.search')}}</h2>
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="get" action="/recordings" class="filters" novalidate>
    % for name, kind in (('start', 'datetime-local'), ('end', 'datetime-local'), ('extension', 'text'), ('number', 'text'), ('queue', 'text'), ('agent', 'text'), ('min_duration', 'text'), ('max_duration', 'text')):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="{{name}}">{{t('recording.' + name)}}</label>
      <input id="{{name}}" name="{{name}}" type="{{kind}}" value="{{values.get(name, '')}}" autocomplete="off">
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    <div class="form-actions">
      <button type="submit" class="btn btn-primary" id="find">{{t('recording.find')}}</button>
      <a class="btn" href="/recordings">{{t('recording.clear')}}</a>
    </div>
  </form>
</section>
% if disk:
<p class="muted" id="usage">{{t('recording.usage', count=str(disk.get('count', 0)), used=str(disk.get('used_mb', 0)), free=str(int(disk.get('free_mb', 0))))}}</p>
% end
<section class="card flush">
  % if page and page.items:
  <table class="data" id="recordings">
    <thead>
      <tr>
        <th>{{t('recording.when')}}</th>
        <th>{{t('recording.caller')}}</th>
        <th>{{t('recording.callee')}}</th>
        <th>{{t('recording.direction')}}</th>
        <th>{{t('recording.queue')}} / {{t('recording.agent')}}</th>
        <th class="num">{{t('recording.length')}}</th>
        <th>{{t('recording.mode')}}</th>
        <th>{{t('recording.listen')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for r in page.items:
      <tr data-recording="{{r.id}}">
        <td class="nowrap">{{local_time(r.started)}}</td>
        <td class="mono">{{r.caller}}</td>
        <td class="mono">{{r.callee}}</td>
        <td>{{t('recording.direction_' + r.direction)}}{{(' · ' + r.trunk) if r.trunk else ''}}</td>
        <td>{{r.queue or '—'}}{{(' / ' + r.agent) if r.agent else ''}}</td>
        <td class="num">{{length(r.duration)}}</td>
        <td>{{t('recording.mode_' + r.mode)}}{{'' if r.state == 'done' else ' · ' + t('recording.state_' + r.state)}}{{' · ' + t('recording.on_demand') if r.trigger == 'on-demand' else ''}}</td>
        <td>
          % if r.state != 'recording':
          <audio controls preload="none" src="/recordings/{{r.id}}.wav">{{t('recording.no_audio')}}</audio>
          % end
        </td>
        <td class="actions">
          % if is_admin and r.state != 'recording':
          <a class="btn btn-small" href="/recordings/{{r.id}}.wav?download=1">{{t('recording.download')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/recordings/{{r.id}}/delete">{{t('common.delete')}}</a>
          % end
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty" id="no-recordings">{{t('recording.empty')}}</p>
  % end
</section>
% if page and page.total:
<nav class="pager" aria-label="{{t('common.pages')}}">
  <span class="pager-info">{{t('common.total', total=page.total)}} · {{t('common.page_of', page=page.number, pages=page.pages)}}</span>
  % sep = '&' if query else ''
  % if page.has_prev:
  <a class="btn btn-small" href="/recordings?{{query}}{{sep}}page={{page.number - 1}}" rel="prev">‹ {{t('common.prev')}}</a>
  % end
  % if page.has_next:
  <a class="btn btn-small" href="/recordings?{{query}}{{sep}}page={{page.number + 1}}" rel="next">{{t('common.next')}} ›</a>
  % end
</nav>
% end
