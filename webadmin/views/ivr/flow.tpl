% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{title}}</h1>
    <p class="muted">{{t('ivr.active') if flow.active else t('ivr.inactive')}} · {{t('ivr.language')}} {{flow.language}} · {{t('ivr.entry')}} <span class="mono">{{flow.entry}}</span></p>
  </div>
  <div class="form-actions">
    <a class="btn" href="/ivr/{{flow.id}}/edit" id="edit-ivr">{{t('ivr.settings')}}</a>
    <a class="btn btn-primary" href="/ivr/{{flow.id}}/nodes/new" id="new-node">+ {{t('ivr.node_new')}}</a>
    % if flow.active:
    <form method="post" action="/ivr/{{flow.id}}/deactivate">
      <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
      <button type="submit" class="btn" id="deactivate">{{t('ivr.deactivate')}}</button>
    </form>
    % else:
    <form method="post" action="/ivr/{{flow.id}}/activate">
      <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
      <button type="submit" class="btn btn-primary" id="activate">{{t('ivr.activate')}}</button>
    </form>
    % end
  </div>
</div>
<section class="card">
  <h2>{{t('ivr.validation')}}</h2>
  % if problems:
  <div class="flash flash-error" role="alert">{{t('ivr.problems', count=str(len(problems)))}}</div>
  <ul id="ivr-problems">
  % for problem in problems:
    <li>{{problem.render(lang) if hasattr(problem, 'render') else problem}}</li>
  % end
  </ul>
  % else:
  <p id="ivr-valid">{{t('ivr.valid')}}</p>
  % end
</section>
<section class="card">
  <h2>{{t('ivr.tree')}}</h2>
  <ul class="ivr-tree" id="ivr-tree">
  % for row in tree:
    <li style="margin-left: {{row.depth * 1.5}}em" data-key="{{row.key}}">
      % if row.outcome:
      <span class="muted mono">{{row.outcome}} →</span>
      % end
      % if row.node is None:
      <span class="mono strong">{{row.key}}</span> <span class="field-error">{{t('ivr.missing_node')}}</span>
      <a class="btn btn-small" href="/ivr/{{flow.id}}/nodes/new?key={{row.key}}">{{t('ivr.create_it')}}</a>
      % elif row.again:
      <span class="mono">{{row.key}}</span> <span class="muted">({{t('ivr.see_above')}})</span>
      % else:
      <a class="mono strong" href="/ivr/{{flow.id}}/nodes/{{row.node.id}}/edit">{{row.key}}</a>
      <span class="muted">{{t('ivr.kind.' + row.node.kind) if row.node.kind in ('play', 'menu', 'collect', 'time', 'http', 'set', 'goto') else row.node.kind}}</span>
      <span class="sub mono">{{row.node.params}}</span>
      % if row.node.kind == 'time':
      <form method="post" action="/ivr/{{flow.id}}/nodes/{{row.node.id}}/override" class="inline" id="override-{{row.key}}">
        <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
        <label>{{t('ivr.override')}}
          <select name="override">
            % current = row.node.params_dict.get('override', 'auto')
            % for mode in ('auto', 'day', 'night'):
            <option value="{{mode}}"{{' selected' if current == mode else ''}}>{{t('ivr.override.' + mode)}}</option>
            % end
          </select>
        </label>
        <button type="submit" class="btn btn-small">{{t('ivr.override_apply')}}</button>
      </form>
      % end
      % end
    </li>
  % end
  </ul>
  % if unreachable:
  <h3>{{t('ivr.unreachable')}}</h3>
  <ul id="ivr-unreachable">
  % for node in unreachable:
    <li><a class="mono" href="/ivr/{{flow.id}}/nodes/{{node.id}}/edit">{{node.key}}</a> <span class="muted">{{node.kind}}</span></li>
  % end
  </ul>
  % end
</section>
