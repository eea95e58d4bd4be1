import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { AppLink } from '../components/app-link.js';
import { FormAlert } from '../components/form-alert.js';
import { Notice } from '../components/notice.js';
import { RoleCheckboxes } from '../components/role-checkboxes.js';
import { StaffSecurityActivity } from '../components/staff-security-activity.js';
import { TextField } from '../components/text-field.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { useSession } from '../session.js';
import type { Role, StaffMember } from '../types.js';

/** Staff > Name: roles, status, the FHIR user link apps receive, and the user's Security & Activity. */
export function StaffMemberPage({ id }: { id: string }) {
  const { expire } = useSession();
  const [user, setUser] = useState<StaffMember | null>(null);
  const [roles, setRoles] = useState<Role[]>([]);
  const [fhirUser, setFhirUser] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  usePageTitle(user === null ? 'Staff' : `${user.firstName} ${user.lastName}`);

  useEffect(() => {
    let active = true;
    api.staffMember(id).then(
      (loaded) => {
        if (!active) return;
        setUser(loaded);
        setRoles(loaded.roles);
        setFhirUser(loaded.fhirUser ?? '');
      },
      (caught: unknown) => {
        if (!active) return;
        if (caught instanceof ApiError && caught.isUnauthenticated) expire();
        else setError(caught instanceof ApiError ? caught.message : 'This staff member could not be loaded.');
      },
    );
    return () => {
      active = false;
    };
  }, [id, expire]);

  async function save(change: Parameters<typeof api.updateStaff>[1], message: string) {
    setError(null);
    setSaved(null);
    try {
      const updated = await api.updateStaff(id, change);
      setUser(updated);
      setRoles(updated.roles);
      setFhirUser(updated.fhirUser ?? '');
      setSaved(message);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The change could not be saved. Try again.');
    }
  }

  return (
    <div className="page">
      <p>
        <AppLink href="/staff">← Staff</AppLink>
      </p>
      <header className="page__header">
        <h1 className="page__title" tabIndex={-1}>
          {user === null ? 'Staff Member' : `${user.firstName} ${user.lastName}`}
        </h1>
        {user !== null && (
          <p className="muted">
            User name {user.username} · {user.status === 'active' ? 'Active' : 'Deactivated'}
          </p>
        )}
      </header>
      <FormAlert message={error} />
      {saved !== null && <Notice>{saved}</Notice>}
      {user !== null && (
        <>
          <StaffSecurityActivity user={user} />
          <section className="card" aria-labelledby="staff-roles-heading">
            <header className="card__header">
              <h2 id="staff-roles-heading" className="card__title">
                Roles and Access
              </h2>
            </header>
            <div className="card__body">
              <RoleCheckboxes value={roles} onChange={setRoles} />
              <div className="security__actions">
                <button
                  type="button"
                  className="button button--primary"
                  onClick={() => void save({ roles }, 'Roles saved.')}
                >
                  Save Roles
                </button>
                {user.status === 'active' ? (
                  <button
                    type="button"
                    className="button button--secondary"
                    onClick={() =>
                      void save({ status: 'deactivated' }, 'User deactivated and logged out everywhere.')
                    }
                  >
                    Deactivate User
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button button--secondary"
                    onClick={() => void save({ status: 'active' }, 'User reactivated.')}
                  >
                    Reactivate User
                  </button>
                )}
              </div>
            </div>
          </section>
          <section className="card" aria-labelledby="staff-apps-heading">
            <header className="card__header">
              <h2 id="staff-apps-heading" className="card__title">
                Connected Apps
              </h2>
            </header>
            <form
              className="card__body"
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                void save(
                  { fhirUser: fhirUser.trim() === '' ? null : fhirUser.trim() },
                  'FHIR user link saved.',
                );
              }}
            >
              <TextField
                id="fhirUser"
                label="FHIR User Link"
                hint="For health-record apps (SMART on FHIR): this person’s Practitioner address, such as https://fhir.example.com/Practitioner/42. Leave empty if no app needs it."
                value={fhirUser}
                onValueChange={setFhirUser}
                type="url"
                autoComplete="off"
                spellCheck={false}
              />
              <div className="security__actions">
                <button type="submit" className="button button--primary">
                  Save Link
                </button>
              </div>
            </form>
          </section>
        </>
      )}
    </div>
  );
}
