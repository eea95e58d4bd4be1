import { ROLES, roleLabel } from '../lib/roles.js';
import type { Role } from '../types.js';

/** Roles as checkboxes; a user may hold several. */
export function RoleCheckboxes({ value, onChange }: { value: Role[]; onChange: (roles: Role[]) => void }) {
  return (
    <fieldset className="field roles-field">
      <legend className="field__label">Roles</legend>
      {ROLES.map((role) => (
        <label key={role} className="checkbox">
          <input
            type="checkbox"
            name="roles"
            value={role}
            checked={value.includes(role)}
            onChange={(event) =>
              onChange(event.target.checked ? [...value, role] : value.filter((held) => held !== role))
            }
          />
          {roleLabel(role)}
        </label>
      ))}
    </fieldset>
  );
}
