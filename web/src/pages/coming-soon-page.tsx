import { usePageTitle } from '../lib/use-page-title.js';

export function ComingSoonPage({ title, description }: { title: string; description: string }) {
  usePageTitle(title);
  return (
    <div className="page">
      <header className="page__header">
        <h1 className="page__title" tabIndex={-1}>
          {title}
        </h1>
      </header>
      <section className="card card--centered" aria-label={`${title} coming soon`}>
        <p className="coming-soon__label">Coming soon</p>
        <p className="muted">{description}</p>
      </section>
    </div>
  );
}
