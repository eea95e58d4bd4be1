import { formatDateTime } from '../lib/format.js';
import { roleLabel } from '../lib/roles.js';
import type { StaffListItem } from '../types.js';
import { AppLink } from './app-link.js';

export type StaffSortName = 'name' | 'username' | 'last_login' | 'status';
export interface StaffSortState {
  sort: StaffSortName;
  order: 'asc' | 'desc';
}

const COLUMNS: ReadonlyArray<readonly [string, StaffSortName | null]> = [
  ['Name', 'name'],
  ['User Name', 'username'],
  ['Roles', null],
  ['Last Login', 'last_login'],
  ['Two-Factor', null],
  ['Status', 'status'],
];

/**
 * The staff list's table: each sortable header is a button (a second press reverses the order).
 * A locked account never reads "Active" alone: its status says until when, in the practice's zone.
 */
export function StaffTable({
  items,
  timeZone,
  sort,
  onSort,
}: {
  items: StaffListItem[];
  timeZone: string;
  sort: StaffSortState;
  onSort: (next: StaffSortState) => void;
}) {
  return (
    <div className="staff-table__scroll">
      <table className="table staff-table" data-testid="staff-table">
        <thead>
          <tr>
            {COLUMNS.map(([label, key]) => {
              const current = key !== null && sort.sort === key;
              return (
                <th
                  key={label}
                  scope="col"
                  aria-sort={current ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  {key === null ? (
                    label
                  ) : (
                    <button
                      type="button"
                      className="staff-table__sort"
                      onClick={() =>
                        onSort({ sort: key, order: current && sort.order === 'asc' ? 'desc' : 'asc' })
                      }
                    >
                      {label}
                      <span aria-hidden="true">{current ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {items.map((user) => (
            <tr key={user.id} data-username={user.username}>
              <td>
                <AppLink href={`/staff/${user.id}`}>
                  {user.lastName}, {user.firstName}
                </AppLink>
              </td>
              <td>{user.username}</td>
              <td>{user.roles.map(roleLabel).join(', ')}</td>
              <td>{user.lastLoginAt === null ? 'Never' : formatDateTime(user.lastLoginAt, timeZone)}</td>
              <td>
                <span className={`badge ${user.twoFactorEnabled ? 'badge--on' : 'badge--off'}`}>
                  {user.twoFactorEnabled ? 'On' : 'Off'}
                </span>
              </td>
              <td data-testid="staff-status">
                <StaffStatus user={user} timeZone={timeZone} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StaffStatus({ user, timeZone }: { user: StaffListItem; timeZone: string }) {
  const expiry = user.temporaryPasswordExpiresAt;
  return (
    <>
      {user.status === 'deactivated' ? (
        'Deactivated'
      ) : user.lockedUntil !== null ? (
        <strong className="staff-table__locked">
          Locked until {formatDateTime(user.lockedUntil, timeZone)}
        </strong>
      ) : (
        'Active'
      )}
      {user.status === 'active' && expiry !== null && (
        <span className="staff-table__note">Temporary password until {formatDateTime(expiry, timeZone)}</span>
      )}
    </>
  );
}
