% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('recording.rules_title')}}</h1>
    <p class="muted">{{t('recording.rules_intro')}}</p>
  </div>
  <a class="btn" href="/recordings">{{t('recording.back')}}</a>
</div>
% if disk and disk.get('low_space'):
<div class="flash flash-warning" role="alert" id="low-space">{{t('recording.low_space', free=str(int(disk['free_mb'])), reserve=str(disk['reserve_mb']))}}</div>
% end
<section class="card flush">
  <table class="data" id="rules">
    <thead>
      <tr>
        <th>{{t('recording.rule_kind')}}</th>
        <th>{{t('recording.rule_value')}}</th>
        <th>{{t('recording.rule_mode')}}</th>
        <th>{{t('recording.rule_announce')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % if not rules:
      <tr><td colspan="5" class="sub">{{t('recording.rule_none')}}</td></tr>
    % end
    % for r in rules:
      <tr data-rule="{{r.id}}">
        <td>{{t('recording.kind_' + r.kind)}}</td>
        <td class="mono">{{r.value or '—'}}</td>
        <td>{{t('recording.mode_' + r.mode)}}</td>
        <td>{{t('common.yes') if r.announce else t('common.no')}}</td>
        <td class="actions">
          <form method="post" action="/recordings/rules/{{r.id}}/delete">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <button type="submit" class="btn btn-small btn-danger-ghost">{{t('common.delete')}}</button>
          </form>
        </td>
      </tr>
    % end
    </tbody>
  </table>
</section>
<section class="card form-card" id="new-rule">
  <h2>{{t('recording.rule_add')}}</h2>
  % if rule_errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="/recordings/rules" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <div class="field{{' has-error' if 'kind' in rule_errors else ''}}">
      <label for="kind">{{t('recording.rule_kind')}}</label>
      <select id="kind" name="kind">
        % for kind in kinds:
        <option value="{{kind}}"{{' selected' if rule.get('kind') == kind else ''}}>{{t('recording.kind_' + kind)}}</option>
        % end
      </select>
      % if 'kind' in rule_errors:
      <div class="field-error" id="kind-error">{{rule_errors['kind']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'value' in rule_errors else ''}}">
      <label for="value">{{t('recording.rule_value')}}</label>
      <input id="value" name="value" type="text" value="{{rule.get('value', '')}}" autocomplete="off">
      <div class="hint">{{t('recording.rule_value_hint')}}</div>
      % if 'value' in rule_errors:
      <div class="field-error" id="value-error">{{rule_errors['value']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'mode' in rule_errors else ''}}">
      <label for="mode">{{t('recording.rule_mode')}}</label>
      <select id="mode" name="mode">
        % for mode in modes:
        <option value="{{mode}}"{{' selected' if rule.get('mode') == mode else ''}}>{{t('recording.mode_' + mode)}}</option>
        % end
      </select>
      % if 'mode' in rule_errors:
      <div class="field-error" id="mode-error">{{rule_errors['mode']}}</div>
      % end
    </div>
    <div class="field check">
      <label><input type="checkbox" name="announce" value="1"{{' checked' if rule.get('announce') else ''}}> {{t('recording.rule_announce')}}</label>
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary" id="add-rule">{{t('recording.rule_add')}}</button>
    </div>
  </form>
</section>
<section class="card form-card" id="settings">
  <h2>{{t('recording.settings_title')}}</h2>
  % if setting_errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="post" action="/recordings/settings" novalidate>
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    % for name in ('recording_retention_days', 'recording_quota_mb', 'recording_reserve_mb'):
    <div class="field{{' has-error' if name in setting_errors else ''}}">
      <label for="{{name}}">{{t('recording.' + name)}}</label>
      <input id="{{name}}" name="{{name}}" type="text" value="{{settings.get(name, '')}}" autocomplete="off">
      % if name in setting_errors:
      <div class="field-error" id="{{name}}-error">{{setting_errors[name]}}</div>
      % end
    </div>
    % end
    <div class="field{{' has-error' if 'recording_announce_language' in setting_errors else ''}}">
      <label for="recording_announce_language">{{t('recording.recording_announce_language')}}</label>
      <select id="recording_announce_language" name="recording_announce_language">
        <option value="">{{t('recording.language_default')}}</option>
        % for code in prompt_languages:
        <option value="{{code}}"{{' selected' if settings.get('recording_announce_language') == code else ''}}>{{code}}</option>
        % end
      </select>
      % if 'recording_announce_language' in setting_errors:
      <div class="field-error" id="recording_announce_language-error">{{setting_errors['recording_announce_language']}}</div>
      % end
    </div>
    <div class="field{{' has-error' if 'recording_on_demand_mode' in setting_errors else ''}}">
      <label for="recording_on_demand_mode">{{t('recording.recording_on_demand_mode')}}</label>
      <select id="recording_on_demand_mode" name="recording_on_demand_mode">
        % for mode in modes:
        <option value="{{mode}}"{{' selected' if settings.get('recording_on_demand_mode') == mode else ''}}>{{t('recording.mode_' + mode)}}</option>
        % end
      </select>
      % if 'recording_on_demand_mode' in setting_errors:
      <div class="field-error" id="recording_on_demand_mode-error">{{setting_errors['recording_on_demand_mode']}}</div>
      % end
    </div>
    <div class="form-actions">
      <button type="submit" class="btn btn-primary" id="save-settings">{{t('common.save')}}</button>
    </div>
  </form>
  <form method="post" action="/recordings/retention" class="form-actions">
    <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
    <button type="submit" class="btn" id="run-retention">{{t('recording.retention_run')}}</button>
  </form>
</section>
