% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('reports.title')}}</h1>
    <p class="muted">{{t('reports.intro')}}</p>
  </div>
</div>
<section class="card">
  % if errors:
  <div class="flash flash-error" role="alert">{{t('form.has_errors')}}</div>
  % end
  <form method="get" action="/reports" class="report-filter" id="report-filter">
    % for name, kind in (('from', 'date'), ('to', 'date')):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="f-{{name}}">{{t('reports.' + name)}}</label>
      <input id="f-{{name}}" name="{{name}}" type="{{kind}}" value="{{form.values[name]}}" maxlength="10">
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    % for name, everyone, options in (('queue', 'reports.all_queues', queue_choices), ('agent', 'reports.all_agents', agent_choices)):
    <div class="field{{' has-error' if name in errors else ''}}">
      <label for="f-{{name}}">{{t('reports.' + name)}}</label>
      <select id="f-{{name}}" name="{{name}}">
        <option value="">{{t(everyone)}}</option>
        % known = [number for number, _ in options]
        % if form.values[name] and form.values[name] not in known:
        <option value="{{form.values[name]}}" selected>{{form.values[name]}}</option>
        % end
        % for number, label in options:
        <option value="{{number}}"{{' selected' if number == form.values[name] else ''}}>{{(number + ' ' + label).strip()}}</option>
        % end
      </select>
      % if name in errors:
      <div class="field-error" id="{{name}}-error">{{errors[name]}}</div>
      % end
    </div>
    % end
    <div class="field report-apply">
      <button type="submit" class="btn btn-primary">{{t('reports.apply')}}</button>
    </div>
  </form>
</section>
% if report is not None:
<div class="chart-grid">
  <section class="card">
    <h2 id="chart-hourly-title">{{t('reports.chart.hourly')}}</h2>
    % c = hourly_chart
    <svg class="chart" id="chart-hourly" viewBox="0 0 {{c.width}} {{c.height}}" role="img" aria-labelledby="chart-hourly-title" xmlns="http://www.w3.org/2000/svg">
      % for tick in c.y_ticks:
      <line x1="{{c.left}}" x2="{{c.right}}" y1="{{tick.at}}" y2="{{tick.at}}" stroke="#e2e8f0" stroke-width="1"/>
      <text x="{{c.left - 6}}" y="{{tick.at + 4}}" text-anchor="end" font-size="13" fill="#64748b">{{tick.text}}</text>
      % end
      % for bar in c.bars:
      <rect class="bar bar-{{bar.kind}}" x="{{bar.x}}" y="{{bar.y}}" width="{{bar.width}}" height="{{bar.height}}" fill="{{bar.fill}}"><title>{{bar.title}}</title></rect>
      % if bar.label:
      <text x="{{bar.x + bar.width / 2}}" y="{{bar.y - 3}}" text-anchor="middle" font-size="12" fill="#0f172a">{{bar.label}}</text>
      % end
      % end
      % for tick in c.x_ticks:
      <text x="{{tick.at}}" y="{{c.bottom + 16}}" text-anchor="middle" font-size="12" fill="#64748b">{{tick.text}}</text>
      % end
    </svg>
  </section>
  <section class="card">
    <h2 id="chart-rates-title">{{t('reports.chart.rates')}}</h2>
    % c = rate_chart
    <svg class="chart" id="chart-rates" viewBox="0 0 {{c.width}} {{c.height}}" role="img" aria-labelledby="chart-rates-title" xmlns="http://www.w3.org/2000/svg">
      <rect x="{{c.left}}" y="4" width="10" height="10" fill="#15803d"/>
      <text x="{{c.left + 14}}" y="13" font-size="13" fill="#0f172a">{{t('reports.legend.sl')}}</text>
      <rect x="{{c.left + 140}}" y="4" width="10" height="10" fill="#dc2626"/>
      <text x="{{c.left + 154}}" y="13" font-size="13" fill="#0f172a">{{t('reports.legend.abandon')}}</text>
      % for tick in c.x_ticks:
      <line x1="{{tick.at}}" x2="{{tick.at}}" y1="{{c.top}}" y2="{{c.bottom}}" stroke="#e2e8f0" stroke-width="1"/>
      <text x="{{tick.at}}" y="{{c.bottom + 15}}" text-anchor="middle" font-size="12" fill="#64748b">{{tick.text}}</text>
      % end
      % for tick in c.y_ticks:
      <text x="{{c.left - 8}}" y="{{tick.at + 4}}" text-anchor="end" font-size="13" fill="#0f172a">{{tick.text}}</text>
      % end
      % for bar in c.bars:
      <rect class="bar bar-{{bar.kind}}" x="{{bar.x}}" y="{{bar.y}}" width="{{bar.width}}" height="{{bar.height}}" fill="{{bar.fill}}"><title>{{bar.title}}</title></rect>
      <text x="{{bar.x + bar.width + 4}}" y="{{bar.y + 9}}" font-size="12" fill="#0f172a">{{bar.label}}</text>
      % end
    </svg>
  </section>
</div>
% for name in ('queues', 'hourly', 'lines', 'agents', 'pauses', 'satisfaction'):
% include('reports/_table.tpl', name=name, columns=tables[name][0], rows=tables[name][1])
% end
<section class="card">
  <h2>{{t('reports.formulas_title')}}</h2>
  <ul class="formulas">
    % for key in ('sl', 'abandon', 'handle', 'failed'):
    <li>{{t('reports.formula.' + key)}}</li>
    % end
  </ul>
</section>
% end
