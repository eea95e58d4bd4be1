import { fullName, initials } from '../lib/format.js';
import { roleLabels } from '../lib/roles.js';
import type { User } from '../types.js';

export function ProfileHeader({ user }: { user: User }) {
  const roles = roleLabels(user);
  return (
    <header className="profile-header">
      <span className="avatar avatar--large" aria-hidden="true">
        {initials(user)}
      </span>
      <div className="profile-header__text">
        <h1 className="profile-header__name" tabIndex={-1}>
          {fullName(user)}
        </h1>
        <p className="profile-header__username">
          <span className="visually-hidden">User name: </span>
          <span data-testid="profile-username">{user.username}</span>
        </p>
        {roles.length > 0 && (
          <ul className="role-list" aria-label="Roles" data-testid="profile-roles">
            {roles.map((role) => (
              <li key={role} className="role-list__item">
                {role}
              </li>
            ))}
          </ul>
        )}
      </div>
    </header>
  );
}
