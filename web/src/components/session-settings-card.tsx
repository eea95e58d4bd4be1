import { useState, type FormEvent } from 'react';
import {
  DIGEST_HOUR,
  IMMEDIATE_ALERTS_PER_HOUR,
  type AdminAlertDelivery,
} from '../../../src/domain/admin-alerts.js';
import { SETTING_BOUNDS } from '../../../src/domain/security-settings.js';
import { api, ApiError } from '../api.js';
import type { SecuritySettings } from '../types.js';
import { FormAlert } from './form-alert.js';
import { SettingsSavedNotice } from './notice.js';
import { NumberSettingField, SettingField, settingFieldAria, wholeNumberProblem } from './setting-field.js';

/** The card's number settings, as typed (strings, so a half-typed value can be shown wrong). */
interface NumberValues {
  idleTimeoutMinutes: string;
  absoluteTimeoutHours: string;
  lockoutThreshold: string;
  lockoutMinutes: string;
  temporaryPasswordHours: string;
  rememberBrowserDays: string;
}
type NumberKey = keyof NumberValues;

const NUMBER_FIELDS: readonly { key: NumberKey; label: string; hint: string }[] = [
  {
    key: 'idleTimeoutMinutes',
    label: 'Idle timeout (minutes)',
    hint: 'Users are logged out after this long without using Gatehouse.',
  },
  {
    key: 'absoluteTimeoutHours',
    label: 'Absolute timeout (hours)',
    hint: 'Users must log in again after this long, even while they are active.',
  },
  {
    key: 'lockoutThreshold',
    label: 'Failed login attempts before an account locks',
    hint: 'Wrong passwords in a row; a Practice Administrator can unlock the account sooner.',
  },
  {
    key: 'lockoutMinutes',
    label: 'Lockout duration (minutes)',
    hint: 'How long a locked account stays locked.',
  },
  {
    key: 'temporaryPasswordHours',
    label: 'Temporary password lifetime (hours)',
    hint: 'A temporary password from Reset Password or a new user stops working after this long.',
  },
  {
    key: 'rememberBrowserDays',
    label: 'Remember a browser for two-factor (days)',
    hint: 'How long “Remember this browser” skips the code. 0 turns the option off.',
  },
];

function numbersOf(settings: SecuritySettings): NumberValues {
  return {
    idleTimeoutMinutes: String(settings.idleTimeoutMinutes),
    absoluteTimeoutHours: String(settings.absoluteTimeoutHours),
    lockoutThreshold: String(settings.lockout.threshold),
    lockoutMinutes: String(settings.lockout.minutes),
    temporaryPasswordHours: String(settings.temporaryPasswordHours),
    rememberBrowserDays: String(settings.rememberBrowserDays),
  };
}

/** Each field's problem (null = fine), including the one rule across two fields. */
function problemsOf(values: NumberValues): Record<NumberKey, string | null> {
  const problems = Object.fromEntries(
    NUMBER_FIELDS.map(({ key }) => [key, wholeNumberProblem(values[key], SETTING_BOUNDS[key])]),
  ) as Record<NumberKey, string | null>;
  if (
    problems.idleTimeoutMinutes === null &&
    problems.absoluteTimeoutHours === null &&
    Number(values.absoluteTimeoutHours) * 60 < Number(values.idleTimeoutMinutes)
  )
    problems.absoluteTimeoutHours = 'The absolute timeout must not be shorter than the idle timeout.';
  return problems;
}

/** Every IANA zone the browser knows, for the time-zone list. */
const TIME_ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');

/**
 * Settings > Security > Login and Sessions: timeouts, one session per user, lockout,
 * temporary-password lifetime, "remember this browser", the practice's time zone and how
 * administrators get security alerts.
 * Errors show beside their field once Save is pressed, and clear as each field is fixed.
 */
export function SessionSettingsCard({
  settings,
  onSaved,
}: {
  settings: SecuritySettings;
  onSaved: (saved: SecuritySettings) => void;
}) {
  const [values, setValues] = useState<NumberValues>(() => numbersOf(settings));
  const [singleSession, setSingleSession] = useState(settings.singleSession);
  const [timeZone, setTimeZone] = useState(settings.timeZone);
  const [adminAlerts, setAdminAlerts] = useState<AdminAlertDelivery>(settings.adminAlerts ?? 'immediately');
  const [showProblems, setShowProblems] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const problems = problemsOf(values);
  const edited = () => setSaved(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    if (Object.values(problems).some((problem) => problem !== null)) {
      setShowProblems(true);
      const first = NUMBER_FIELDS.find(({ key }) => problems[key] !== null);
      if (first) document.getElementById(first.key)?.focus();
      return;
    }
    try {
      const result = await api.saveSecuritySettings({
        ...settings,
        idleTimeoutMinutes: Number(values.idleTimeoutMinutes),
        absoluteTimeoutHours: Number(values.absoluteTimeoutHours),
        singleSession,
        lockout: { threshold: Number(values.lockoutThreshold), minutes: Number(values.lockoutMinutes) },
        temporaryPasswordHours: Number(values.temporaryPasswordHours),
        rememberBrowserDays: Number(values.rememberBrowserDays),
        timeZone,
        adminAlerts,
      });
      onSaved(result);
      setValues(numbersOf(result));
      setShowProblems(false);
      setSaved(true);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The settings could not be saved. Try again.');
    }
  }

  const singleSessionHint = 'Logging in on another computer logs the user out of the first one.';
  const timeZoneHint = 'Times in Gatehouse, its emails and the activity log are shown in this zone.';
  const adminAlertsHint = `Practice Administrators are emailed when an account locks, two-factor authentication is removed, someone becomes a Practice Administrator or these settings change. At most ${IMMEDIATE_ALERTS_PER_HOUR} emails an hour; more wait for the digest, sent after ${DIGEST_HOUR}:00 AM practice time.`;
  return (
    <section className="card" aria-labelledby="session-settings-heading" data-testid="session-settings">
      <header className="card__header">
        <h3 id="session-settings-heading" className="card__title">
          Login and Sessions
        </h3>
      </header>
      <form
        className="form card__body"
        onSubmit={(event) => void handleSubmit(event)}
        noValidate
        aria-label="Login and Sessions"
      >
        <FormAlert message={error} />
        {saved && <SettingsSavedNotice />}
        {NUMBER_FIELDS.map(({ key, label, hint }) => (
          <NumberSettingField
            key={key}
            id={key}
            label={label}
            hint={hint}
            bounds={SETTING_BOUNDS[key]}
            value={values[key]}
            error={showProblems ? problems[key] : null}
            onChange={(value) => {
              edited();
              setValues((current) => ({ ...current, [key]: value }));
            }}
          />
        ))}
        <div className="field">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={singleSession}
              aria-describedby="singleSession-hint"
              onChange={(event) => {
                edited();
                setSingleSession(event.target.checked);
              }}
            />
            One session per user
          </label>
          <p className="field__hint" id="singleSession-hint">
            {singleSessionHint}
          </p>
        </div>
        <SettingField id="timeZone" label="Practice time zone" hint={timeZoneHint} error={null}>
          <select
            id="timeZone"
            name="timeZone"
            className="input"
            value={timeZone}
            onChange={(event) => {
              edited();
              setTimeZone(event.target.value);
            }}
            {...settingFieldAria('timeZone', timeZoneHint, null)}
          >
            {(TIME_ZONES.includes(timeZone) ? TIME_ZONES : [timeZone, ...TIME_ZONES]).map((zone) => (
              <option key={zone} value={zone}>
                {zone.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </SettingField>
        <SettingField
          id="adminAlerts"
          label="Security alerts to administrators"
          hint={adminAlertsHint}
          error={null}
        >
          <select
            id="adminAlerts"
            name="adminAlerts"
            className="input"
            value={adminAlerts}
            onChange={(event) => {
              edited();
              setAdminAlerts(event.target.value as AdminAlertDelivery);
            }}
            {...settingFieldAria('adminAlerts', adminAlertsHint, null)}
          >
            <option value="immediately">Email each alert immediately</option>
            <option value="daily_digest">One daily digest email</option>
          </select>
        </SettingField>
        <div className="modal__actions">
          <button type="submit" className="button button--primary">
            Save Login and Session Settings
          </button>
        </div>
      </form>
    </section>
  );
}
