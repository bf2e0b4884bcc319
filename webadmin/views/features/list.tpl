% rebase('layout.tpl')
<div class="page-head">
  <div>
    <h1>{{t('features.title')}}</h1>
    <p class="muted">{{t('features.intro')}}</p>
  </div>
</div>
<section class="card flush">
  <h2>{{t('features.extensions')}}</h2>
  % if numbers:
  <table class="data" id="extension-features">
    <thead>
      <tr>
        <th>{{t('features.number')}}</th>
        <th>{{t('features.f.dnd')}}</th>
        <th>{{t('features.forwards')}}</th>
        <th>{{t('features.f.followme_enabled')}}</th>
        <th>{{t('features.hotdesk')}}</th>
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for number, name in numbers:
      % row = settings.get(number)
      <tr data-number="{{number}}">
        <td class="mono strong">{{number}} <span class="muted">{{name}}</span></td>
        <td>{{t('common.yes') if row and row.dnd else t('common.no')}}</td>
        <td class="mono">
          % if row:
          % for key in ('forward_always', 'forward_busy', 'forward_no_answer'):
          % if getattr(row, key):
          <div>{{t('features.f.' + key)}}: {{getattr(row, key)}}</div>
          % end
          % end
          % end
        </td>
        <td>{{(t('features.c.' + row.followme_mode) + ': ' + ', '.join(row.followme_list())) if row and row.followme_enabled else t('common.no')}}</td>
        <td class="mono">{{desks.get(number, '')}}</td>
        <td class="actions">
          <a class="btn btn-small" href="/features/extension/{{number}}">{{t('common.edit')}}</a>
          % if number in desks:
          <form method="post" action="/features/extension/{{number}}/logout" class="inline">
            <input type="hidden" name="{{csrf_field}}" value="{{csrf_token}}">
            <button type="submit" class="btn btn-small">{{t('features.hotdesk_logout')}}</button>
          </form>
          % end
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('features.no_extensions')}}</p>
  % end
</section>
% for kind, rows, columns in (('ringgroups', groups, ('number', 'name', 'strategy', 'members', 'fallback')), ('callerlists', lists, ('name', 'kind', 'scope', 'numbers', 'treatment')), ('speeddials', speeddials, ('code', 'number', 'label'))):
<section class="card flush" id="{{kind}}">
  <div class="page-head">
    <h2>{{t('features.' + kind)}}</h2>
    <a class="btn btn-primary" href="/features/{{kind}}/new" id="new-{{kind}}">+ {{t('features.' + kind + '_new')}}</a>
  </div>
  % if rows:
  <table class="data">
    <thead>
      <tr>
        % for column in columns:
        <th>{{t('features.f.' + column)}}</th>
        % end
        <th class="actions">{{t('common.actions')}}</th>
      </tr>
    </thead>
    <tbody>
    % for row in rows:
      <tr data-row="{{kind}}-{{row.id}}">
        % for column in columns:
        % value = str(getattr(row, column))
        <td>{{t('features.c.' + value) if column in ('strategy', 'kind', 'treatment') else value.replace('\n', ',').replace(',', ', ')}}</td>
        % end
        <td class="actions">
          <a class="btn btn-small" href="/features/{{kind}}/{{row.id}}/edit">{{t('common.edit')}}</a>
          <a class="btn btn-small btn-danger-ghost" href="/features/{{kind}}/{{row.id}}/delete">{{t('common.delete')}}</a>
        </td>
      </tr>
    % end
    </tbody>
  </table>
  % else:
  <p class="empty">{{t('features.' + kind + '_empty')}}</p>
  % end
</section>
% end
