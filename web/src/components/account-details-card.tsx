import { fullName } from '../lib/format.js';
import type { User } from '../types.js';

export function AccountDetailsCard({ user }: { user: User }) {
  return (
    <section className="card" aria-labelledby="account-details-heading">
      <header className="card__header">
        <h2 id="account-details-heading" className="card__title">
          Account Details
        </h2>
      </header>
      <dl className="details details--grid">
        <div className="details__row">
          <dt>Name</dt>
          <dd>{fullName(user)}</dd>
        </div>
        <div className="details__row">
          <dt>User Name</dt>
          <dd>{user.username}</dd>
        </div>
        <div className="details__row">
          <dt>Email</dt>
          <dd>{user.email}</dd>
        </div>
        <div className="details__row">
          <dt>Practice</dt>
          <dd>
            {user.practice.name} <span className="muted">({user.practice.code})</span>
          </dd>
        </div>
      </dl>
    </section>
  );
}
