import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import type { SecuritySettings } from '../types.js';
import { twoFactorApi } from '../two-factor-api.js';
import { FormAlert } from './form-alert.js';
import { SettingsSavedNotice } from './notice.js';
import { RequireTwoFactorField } from './require-two-factor-field.js';
import { RequireTwoFactorImpact } from './require-two-factor-impact.js';

/** Settings > Security > Two-Factor Authentication: the practice-wide requirement. */
export function TwoFactorSettingsCard({
  settings,
  onSaved,
}: {
  settings: SecuritySettings;
  onSaved: (saved: SecuritySettings) => void;
}) {
  const [required, setRequired] = useState(settings.requireTwoFactor);
  const [adminHasTwoFactor, setAdminHasTwoFactor] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    let active = true;
    twoFactorApi
      .status()
      .then((status) => active && setAdminHasTwoFactor(status.enabled))
      .catch(() => undefined);
    return () => {
      active = false;
    };
  }, []);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      onSaved(await api.saveSecuritySettings({ ...settings, requireTwoFactor: required }));
      setSaved(true);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The setting could not be saved. Try again.');
    }
  }

  return (
    <section className="card" aria-labelledby="two-factor-settings-heading" data-testid="two-factor-settings">
      <header className="card__header">
        <h3 id="two-factor-settings-heading" className="card__title">
          Two-Factor Authentication
        </h3>
      </header>
      <form
        className="form card__body"
        onSubmit={handleSubmit}
        noValidate
        aria-label="Two-Factor Authentication"
      >
        <FormAlert message={error} />
        {saved && <SettingsSavedNotice />}
        <RequireTwoFactorField
          checked={required}
          onChange={(checked) => {
            setSaved(false);
            setRequired(checked);
          }}
          adminHasTwoFactor={adminHasTwoFactor}
        />
        {!settings.requireTwoFactor && <RequireTwoFactorImpact />}
        <div className="modal__actions">
          <button type="submit" className="button button--primary">
            Save Two-Factor Settings
          </button>
        </div>
      </form>
    </section>
  );
}
