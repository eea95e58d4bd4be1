import { useState } from 'react';
import { api } from '../api.js';
import { FormAlert } from '../components/form-alert.js';
import { NewUserDialog } from '../components/new-user-dialog.js';
import { StaffTable, type StaffSortName, type StaffSortState } from '../components/staff-table.js';
import { TemporaryPasswordDialog } from '../components/temporary-password-dialog.js';
import { navigate, useLocation } from '../lib/router.js';
import { isStaffFilterName, STAFF_FILTER_LABELS } from '../lib/staff-filters.js';
import { useLoader } from '../lib/use-loader.js';
import { usePageTitle } from '../lib/use-page-title.js';
import type { StaffUser, TemporaryPassword } from '../types.js';

const SORTS: readonly StaffSortName[] = ['name', 'username', 'last_login', 'status'];

/** The list's search, filter and order, read from the page's URL so links and reloads keep them. */
function listQuery(search: URLSearchParams) {
  const filter = search.get('filter');
  const sort = search.get('sort');
  return {
    q: search.get('q') ?? '',
    filter: isStaffFilterName(filter) ? filter : '',
    sort: SORTS.find((name) => name === sort) ?? 'name',
    order: search.get('order') === 'desc' ? ('desc' as const) : ('asc' as const),
  };
}

type ListQuery = ReturnType<typeof listQuery>;

function queryString(query: ListQuery): string {
  const params = new URLSearchParams();
  if (query.q.trim()) params.set('q', query.q.trim());
  if (query.filter) params.set('filter', query.filter);
  if (query.sort !== 'name') params.set('sort', query.sort);
  if (query.order !== 'asc') params.set('order', query.order);
  return params.toString();
}

/** Staff: every user of the practice, searched, filtered and sorted, and + New User. */
export function StaffListPage() {
  usePageTitle('Staff');
  const { search } = useLocation();
  const query = listQuery(search);
  const apiQuery = queryString(query);
  // What is typed shows at once; the URL (and so the list) follows it.
  const [typed, setTyped] = useState(query.q);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ user: StaffUser; issued: TemporaryPassword } | null>(null);
  const [staff, reload] = useLoader(() => api.staff(apiQuery), apiQuery);

  function change(next: Partial<ListQuery>) {
    const qs = queryString({ ...query, ...next });
    navigate(qs ? `/staff?${qs}` : '/staff', { replace: true });
  }

  const narrowed = query.q.trim() !== '' || query.filter !== '';
  return (
    <div className="page page--wide">
      <header className="page__header page__header--actions">
        <h1 className="page__title" tabIndex={-1}>
          Staff
        </h1>
        <button type="button" className="button button--primary" onClick={() => setAdding(true)}>
          + New User
        </button>
      </header>
      {staff.status === 'error' && <FormAlert message={staff.message} />}
      <section className="card" aria-label="Staff members" aria-busy={staff.status === 'loading'}>
        <form className="activity-log__filters" role="search" onSubmit={(event) => event.preventDefault()}>
          <label className="field staff-list__search">
            <span className="field__label">Search</span>
            <input
              className="input"
              type="search"
              name="q"
              value={typed}
              placeholder="Name, user name or email"
              maxLength={100}
              onChange={(event) => {
                setTyped(event.target.value);
                change({ q: event.target.value });
              }}
            />
          </label>
          <label className="field">
            <span className="field__label">Show</span>
            <select
              className="input"
              name="filter"
              value={query.filter}
              onChange={(event) =>
                change({ filter: isStaffFilterName(event.target.value) ? event.target.value : '' })
              }
            >
              <option value="">Everyone</option>
              {STAFF_FILTER_LABELS.map(([name, label]) => (
                <option key={name} value={name}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          {narrowed && (
            <div className="activity-log__tools">
              <button
                type="button"
                className="button button--link"
                onClick={() => {
                  setTyped('');
                  change({ q: '', filter: '' });
                }}
              >
                Show Everyone
              </button>
            </div>
          )}
        </form>
        {staff.status === 'ready' && (
          <p className="muted staff-list__count" role="status" data-testid="staff-count">
            {staff.value.items.length === 1 ? '1 person' : `${staff.value.items.length} people`}
            {narrowed ? ' match' : ''}
          </p>
        )}
        {staff.status === 'ready' && staff.value.items.length === 0 ? (
          <p className="empty-state activity-log__status" data-testid="staff-empty">
            Nobody matches. Change the search or choose “Everyone”.
          </p>
        ) : (
          <StaffTable
            items={staff.status === 'ready' ? staff.value.items : []}
            timeZone={staff.status === 'ready' ? staff.value.timeZone : 'UTC'}
            sort={{ sort: query.sort, order: query.order } satisfies StaffSortState}
            onSort={(next) => change(next)}
          />
        )}
      </section>
      {adding && (
        <NewUserDialog
          onClose={() => setAdding(false)}
          onCreated={(user, issued) => {
            setAdding(false);
            setCreated({ user, issued });
            reload();
          }}
        />
      )}
      {created !== null && (
        <TemporaryPasswordDialog
          title="Temporary Password Created"
          username={created.user.username}
          issued={created.issued}
          timeZone={staff.status === 'ready' ? staff.value.timeZone : undefined}
          onClose={() => setCreated(null)}
        />
      )}
    </div>
  );
}
