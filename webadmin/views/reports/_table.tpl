<section class="card flush report-table">
  <div class="table-head">
    <h2 class="card-title">{{t('reports.' + name + '_title')}}</h2>
    <a class="btn btn-small" id="csv-{{name}}" href="/reports/{{name}}.csv?{{csv_query}}" title="{{t('reports.csv_hint')}}" download>{{t('reports.csv')}}</a>
  </div>
  % if rows:
  <table class="data compact" id="report-{{name}}">
    <thead>
      <tr>
        % for key, kind, _ in columns:
        <th{{!' class="num"' if kind != 'text' else ''}}>{{column_label(key)}}</th>
        % end
      </tr>
    </thead>
    <tbody>
    % for row in rows:
      % total = name == 'queues' and row is report.total
      <tr{{!' class="total"' if total else ''}}>
        % for i, (key, kind, value) in enumerate(columns):
        % if total and i == 0:
        <td class="strong">{{t('reports.total')}}</td>
        % else:
        <td{{!' class="num"' if kind != 'text' else ''}}>{{show(kind, value(row))}}</td>
        % end
        % end
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('reports.empty')}}</p>
  % end
</section>
