import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from '../api.js';
import { FormAlert } from '../components/form-alert.js';
import { MoreSettingsCard } from '../components/more-settings-card.js';
import { PasswordSettingsCard } from '../components/password-settings-card.js';
import { SessionSettingsCard } from '../components/session-settings-card.js';
import { TwoFactorSettingsCard } from '../components/two-factor-settings-card.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { useSession } from '../session.js';
import type { SecuritySettings } from '../types.js';

/**
 * The cards of Settings > Security, in order. Other features add theirs here (Computer Access
 * Settings, the two-factor requirement); each gets the loaded settings and reports a save.
 */
export type SettingsCard = (props: {
  settings: SecuritySettings;
  onSaved: (saved: SecuritySettings) => void;
}) => ReactNode;

export const SECURITY_SETTINGS_CARDS: readonly { key: string; Card: SettingsCard }[] = [
  { key: 'password', Card: PasswordSettingsCard },
  { key: 'two-factor', Card: TwoFactorSettingsCard },
  { key: 'sessions', Card: SessionSettingsCard },
  { key: 'more', Card: MoreSettingsCard },
];

/** Practice Settings (Practice Administrators). */
export function SettingsPage() {
  usePageTitle('Settings');
  const { expire } = useSession();
  const [settings, setSettings] = useState<SecuritySettings | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    api.securitySettings().then(
      (loaded) => {
        if (active) setSettings(loaded);
      },
      (caught: unknown) => {
        if (!active) return;
        if (caught instanceof ApiError && caught.isUnauthenticated) expire();
        else setError(caught instanceof ApiError ? caught.message : 'The settings could not be loaded.');
      },
    );
    return () => {
      active = false;
    };
  }, [expire]);

  return (
    <div className="page">
      <header className="page__header">
        <h1 className="page__title" tabIndex={-1}>
          Settings
        </h1>
      </header>
      <FormAlert message={error} />
      <section aria-labelledby="settings-security-heading" className="settings-area">
        <h2 id="settings-security-heading" className="settings-area__title">
          Security
        </h2>
        {settings !== null &&
          SECURITY_SETTINGS_CARDS.map(({ key, Card }) => (
            <Card key={key} settings={settings} onSaved={setSettings} />
          ))}
      </section>
    </div>
  );
}
