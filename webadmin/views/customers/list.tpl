% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('customers.title')}}</h1>
    <p class="muted" id="customer-count">{{t('common.total', total=page.total)}}</p>
  </div>
  <div class="head-actions">
    <a class="btn" href="/customers/import" id="import-customers">{{t('customers.import')}}</a>
    <a class="btn" href="/customers/export.csv" id="export-customers">{{t('customers.export')}}</a>
    <a class="btn btn-primary" href="/customers/new" id="new-customer">+ {{t('customers.new')}}</a>
  </div>
</div>
<form method="get" action="/customers" class="search" role="search">
  <label for="q" class="visually-hidden">{{t('customers.search')}}</label>
  <input id="q" name="q" type="search" value="{{query}}" maxlength="64" placeholder="{{t('customers.search')}}">
  <button type="submit" class="btn">{{t('customers.search_button')}}</button>
  % if query:
  <a class="btn btn-ghost-light" href="/customers">{{t('customers.clear')}}</a>
  % end
</form>
<section class="card flush">
  % if page.items:
  <table class="data" id="customers">
    <thead>
      <tr>
        <th>{{t('customers.name')}}</th>
        <th>{{t('customers.phone')}}</th>
        <th>{{t('customers.company')}}</th>
        <th>{{t('customers.priority')}}</th>
        <th>{{t('customers.tags')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for row in page.items:
      <tr data-customer="{{row.id}}">
        <td class="strong">{{row.name}}</td>
        <td class="mono">{{', '.join(row.number_list())}}</td>
        <td>{{row.company}}</td>
        <td>
          % if row.priority:
          <span class="badge badge-info">{{t('customers.vip', priority=row.priority)}}</span>
          % end
        </td>
        <td class="small">{{', '.join(row.tag_list())}}</td>
        <td class="actions">
          <a class="btn btn-small" href="/customers/{{row.id}}/edit">{{t('common.edit')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/customers/{{row.id}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % elif query:
  <p class="empty">{{t('customers.no_match', q=query)}}</p>
  % else:
  <p class="empty">{{t('customers.empty')}}</p>
  % end
</section>
% if page.total:
<nav class="pager" aria-label="{{t('common.pages')}}">
  <span class="pager-info">{{t('common.page_of', page=page.number, pages=page.pages)}}</span>
  % if page.has_prev:
  <a class="btn btn-small" href="{{page_url(page.number - 1)}}" rel="prev">‹ {{t('common.prev')}}</a>
  % else:
  <span class="btn btn-small disabled">‹ {{t('common.prev')}}</span>
  % end
  % if page.has_next:
  <a class="btn btn-small" href="{{page_url(page.number + 1)}}" rel="next">{{t('common.next')}} ›</a>
  % else:
  <span class="btn btn-small disabled">{{t('common.next')}} ›</span>
  % end
</nav>
% end
