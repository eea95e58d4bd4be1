import { AppLink } from './app-link.js';

/** Settings > Security: the settings that have pages of their own. */
export function MoreSettingsCard() {
  return (
    <section className="card" aria-labelledby="more-settings-heading">
      <header className="card__header">
        <h3 id="more-settings-heading" className="card__title">
          Access and Activity
        </h3>
      </header>
      <div className="card__body security__actions">
        <AppLink className="button button--secondary" href="/settings/security-overview">
          Security Overview
        </AppLink>
        <AppLink className="button button--secondary" href="/settings/computer-access">
          Computer Access Settings
        </AppLink>
        <AppLink className="button button--secondary" href="/settings/connected-apps">
          Connected Apps
        </AppLink>
        <AppLink className="button button--secondary" href="/settings/activity-log">
          Activity Log
        </AppLink>
      </div>
    </section>
  );
}
