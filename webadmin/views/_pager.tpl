% if page.total:
<nav class="pager" aria-label="{{t('common.pages')}}">
  <span class="pager-info">{{t('common.total', total=page.total)}} · {{t('common.page_of', page=page.number, pages=page.pages)}}</span>
  % if page.has_prev:
  <a class="btn btn-small" href="{{base_url}}?page={{page.number - 1}}" rel="prev">‹ {{t('common.prev')}}</a>
  % else:
  <span class="btn btn-small disabled">‹ {{t('common.prev')}}</span>
  % end
  % if page.has_next:
  <a class="btn btn-small" href="{{base_url}}?page={{page.number + 1}}" rel="next">{{t('common.next')}} ›</a>
  % else:
  <span class="btn btn-small disabled">{{t('common.next')}} ›</span>
  % end
</nav>
% end
