import { useState, type FormEvent } from 'react';
import { RECOMMENDED_MIN_LENGTH, SETTING_BOUNDS } from '../../../src/domain/security-settings.js';
import { api, ApiError } from '../api.js';
import type { PasswordPolicySettings, SecuritySettings } from '../types.js';
import { FormAlert } from './form-alert.js';
import { SettingsSavedNotice } from './notice.js';
import { FieldError, settingFieldAria, wholeNumberProblem } from './setting-field.js';

/** Settings > Security > Password Settings. */
export function PasswordSettingsCard({
  settings,
  onSaved,
}: {
  settings: SecuritySettings;
  onSaved: (saved: SecuritySettings) => void;
}) {
  const [policy, setPolicy] = useState<PasswordPolicySettings>(settings.passwordPolicy);
  const [acknowledged, setAcknowledged] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [showProblems, setShowProblems] = useState(false);
  const problems = {
    minLength: wholeNumberProblem(String(policy.minLength), SETTING_BOUNDS.minLength),
    expiryDays:
      policy.expiryDays === null
        ? null
        : wholeNumberProblem(String(policy.expiryDays), SETTING_BOUNDS.expiryDays),
    historyCount: wholeNumberProblem(String(policy.historyCount), SETTING_BOUNDS.historyCount),
    maxRepeatedChars:
      policy.maxRepeatedChars === null
        ? null
        : wholeNumberProblem(String(policy.maxRepeatedChars), SETTING_BOUNDS.maxRepeatedChars),
  };
  const shown = (key: keyof typeof problems) => (showProblems ? problems[key] : null);
  const belowRecommended = policy.minLength < RECOMMENDED_MIN_LENGTH;
  const set = (change: Partial<PasswordPolicySettings>) => {
    setSaved(false);
    setPolicy((current) => ({ ...current, ...change }));
  };
  const number = (value: string) => (value === '' ? 0 : Math.trunc(Number(value)));

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    if (Object.values(problems).some((problem) => problem !== null)) {
      setShowProblems(true);
      setError(null);
      return;
    }
    if (belowRecommended && !acknowledged) {
      setError('Confirm that you understand the risk of a minimum length below the recommendation.');
      return;
    }
    setError(null);
    try {
      const result = await api.saveSecuritySettings({ ...settings, passwordPolicy: policy });
      setSaved(true);
      setShowProblems(false);
      onSaved(result);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The settings could not be saved. Try again.');
    }
  }

  const [minLow, minHigh] = SETTING_BOUNDS.minLength;
  return (
    <section className="card" aria-labelledby="password-settings-heading" data-testid="password-settings">
      <header className="card__header">
        <h3 id="password-settings-heading" className="card__title">
          Password Settings
        </h3>
        <p className="card__intro">
          Every password is also checked for strength, against common passwords, and against the user’s and
          the practice’s names.
        </p>
      </header>
      <form className="form card__body" onSubmit={handleSubmit} noValidate aria-label="Password Settings">
        <FormAlert message={error} />
        {saved && <SettingsSavedNotice />}
        <div className="field">
          <label className="field__label" htmlFor="minLength">
            Minimum password length
          </label>
          <input
            id="minLength"
            className="input input--short"
            type="number"
            min={minLow}
            max={minHigh}
            value={policy.minLength}
            onChange={(e) => set({ minLength: number(e.target.value) })}
            {...settingFieldAria('minLength', undefined, shown('minLength'))}
          />
          <FieldError id="minLength" message={shown('minLength')} />
        </div>
        {belowRecommended && (
          <div className="alert alert--warning" role="alert" data-testid="min-length-warning">
            <div className="alert__body">
              <p>
                A minimum below {RECOMMENDED_MIN_LENGTH} characters is below the recommendation and makes
                passwords easier to guess.
              </p>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={acknowledged}
                  onChange={(e) => setAcknowledged(e.target.checked)}
                />
                I understand and want a shorter minimum
              </label>
            </div>
          </div>
        )}
        <fieldset className="field">
          <legend className="field__label">Require at least one</legend>
          {(
            [
              ['requireUppercase', 'Upper-case letter'],
              ['requireLowercase', 'Lower-case letter'],
              ['requireDigit', 'Number'],
              ['requireSymbol', 'Symbol'],
            ] as const
          ).map(([key, label]) => (
            <label key={key} className="checkbox">
              <input
                type="checkbox"
                checked={policy[key]}
                onChange={(e) => set({ [key]: e.target.checked })}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={policy.expiryDays !== null}
              onChange={(e) => set({ expiryDays: e.target.checked ? 90 : null })}
            />
            Passwords expire
          </label>
          {policy.expiryDays !== null && (
            <label className="field__hint">
              after{' '}
              <input
                aria-label="Days until a password expires"
                className="input input--short"
                type="number"
                min={1}
                value={policy.expiryDays}
                onChange={(e) => set({ expiryDays: number(e.target.value) })}
                {...settingFieldAria('expiryDays', undefined, shown('expiryDays'))}
              />{' '}
              days
            </label>
          )}
          {policy.expiryDays !== null && <FieldError id="expiryDays" message={shown('expiryDays')} />}
        </div>
        <div className="field">
          <label className="field__label" htmlFor="historyCount">
            Recent passwords that cannot be reused
          </label>
          <input
            id="historyCount"
            className="input input--short"
            type="number"
            min={0}
            max={24}
            value={policy.historyCount}
            onChange={(e) => set({ historyCount: number(e.target.value) })}
            {...settingFieldAria('historyCount', undefined, shown('historyCount'))}
          />
          <FieldError id="historyCount" message={shown('historyCount')} />
        </div>
        <div className="field">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={policy.maxRepeatedChars !== null}
              onChange={(e) => set({ maxRepeatedChars: e.target.checked ? 3 : null })}
            />
            Limit identical characters in a row
          </label>
          {policy.maxRepeatedChars !== null && (
            <label className="field__hint">
              at most{' '}
              <input
                aria-label="Most identical characters in a row"
                className="input input--short"
                type="number"
                min={1}
                max={10}
                value={policy.maxRepeatedChars}
                onChange={(e) => set({ maxRepeatedChars: number(e.target.value) })}
                {...settingFieldAria('maxRepeatedChars', undefined, shown('maxRepeatedChars'))}
              />
            </label>
          )}
          {policy.maxRepeatedChars !== null && (
            <FieldError id="maxRepeatedChars" message={shown('maxRepeatedChars')} />
          )}
        </div>
        <div className="modal__actions">
          <button type="submit" className="button button--primary">
            Save Password Settings
          </button>
        </div>
      </form>
    </section>
  );
}
