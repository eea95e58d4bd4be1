import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { AppLink } from '../components/app-link.js';
import { FormAlert } from '../components/form-alert.js';
import { NewUserDialog } from '../components/new-user-dialog.js';
import { TemporaryPasswordDialog } from '../components/temporary-password-dialog.js';
import { roleLabel } from '../lib/roles.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { useSession } from '../session.js';
import type { StaffUser, TemporaryPassword } from '../types.js';

/** Staff: every user of the practice, and + New User. */
export function StaffListPage() {
  usePageTitle('Staff');
  const { expire } = useSession();
  const [staff, setStaff] = useState<StaffUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ user: StaffUser; issued: TemporaryPassword } | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let active = true;
    api.staff().then(
      ({ items }) => {
        if (active) setStaff(items);
      },
      (caught: unknown) => {
        if (!active) return;
        if (caught instanceof ApiError && caught.isUnauthenticated) expire();
        else setError(caught instanceof ApiError ? caught.message : 'The staff list could not be loaded.');
      },
    );
    return () => {
      active = false;
    };
  }, [expire, reloads]);

  return (
    <div className="page">
      <header className="page__header page__header--actions">
        <h1 className="page__title" tabIndex={-1}>
          Staff
        </h1>
        <button type="button" className="button button--primary" onClick={() => setAdding(true)}>
          + New User
        </button>
      </header>
      <FormAlert message={error} />
      <section className="card" aria-label="Staff members" aria-busy={staff === null}>
        <table className="table" data-testid="staff-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">User Name</th>
              <th scope="col">Roles</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {(staff ?? []).map((user) => (
              <tr key={user.id}>
                <td>
                  <AppLink href={`/staff/${user.id}`}>
                    {user.lastName}, {user.firstName}
                  </AppLink>
                </td>
                <td>{user.username}</td>
                <td>{user.roles.map(roleLabel).join(', ')}</td>
                <td>{user.status === 'active' ? 'Active' : 'Deactivated'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {adding && (
        <NewUserDialog
          onClose={() => setAdding(false)}
          onCreated={(user, issued) => {
            setAdding(false);
            setCreated({ user, issued });
            setReloads((n) => n + 1);
          }}
        />
      )}
      {created !== null && (
        <TemporaryPasswordDialog
          title="Temporary Password Created"
          username={created.user.username}
          issued={created.issued}
          onClose={() => setCreated(null)}
        />
      )}
    </div>
  );
}
