import { AppLink } from '../components/app-link.js';
import { usePageTitle } from '../lib/use-page-title.js';

export function NotFoundPage() {
  usePageTitle('Page Not Found');
  return (
    <div className="page">
      <header className="page__header">
        <h1 className="page__title" tabIndex={-1}>
          Page Not Found
        </h1>
      </header>
      <section className="card card--centered" aria-label="Page Not Found">
        <p>This page does not exist, or you do not have access to it.</p>
        <p>
          <AppLink href="/profile">Go to Your Profile</AppLink>
        </p>
      </section>
    </div>
  );
}
