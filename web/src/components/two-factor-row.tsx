import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api.js';
import { useSession } from '../session.js';
import { twoFactorApi, type TwoFactorStatus } from '../two-factor-api.js';
import { CurrentPasswordForm } from './current-password-form.js';
import { PasskeysList } from './passkeys-list.js';
import { RecoveryCodeSheet } from './recovery-code-sheet.js';
import { RememberedBrowsersList } from './remembered-browsers-list.js';
import { SecurityRow } from './security-card.js';
import { TotpEnrollment } from './totp-enrollment.js';

type Load =
  { status: 'loading' } | { status: 'ready'; value: TwoFactorStatus } | { status: 'error'; message: string };
type Panel = 'none' | 'enroll' | 'regenerate' | 'disable' | { codes: string[] };

function recoveryCodesText(remaining: number | null): string {
  if (remaining === null) return '';
  return remaining === 1 ? ' · 1 recovery code remaining' : ` · ${remaining} recovery codes remaining`;
}

function passkeysText(count: number): string {
  if (count === 0) return '';
  return count === 1 ? ' · 1 passkey' : ` · ${count} passkeys`;
}

/** Profile > Security & Activity > Two-Factor Authentication: status, enrol, new recovery codes, turn off. */
export function TwoFactorRow() {
  const { expire } = useSession();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [panel, setPanel] = useState<Panel>('none');

  const reload = useCallback(async () => {
    try {
      setLoad({ status: 'ready', value: await twoFactorApi.status() });
    } catch (error) {
      if (error instanceof ApiError && error.isUnauthenticated) expire();
      else setLoad({ status: 'error', message: error instanceof ApiError ? error.message : String(error) });
    }
  }, [expire]);

  useEffect(() => {
    // Loading on mount: the state update happens after the request, not synchronously.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void reload();
  }, [reload]);

  function close() {
    setPanel('none');
    void reload();
  }

  let body;
  if (load.status === 'loading') {
    body = (
      <p className="muted">
        <span className="skeleton skeleton--short" aria-hidden="true" />
      </p>
    );
  } else if (load.status === 'error') {
    body = <p className="muted">Status could not be loaded.</p>;
  } else {
    const { enabled, recoveryCodesRemaining } = load.value;
    body = (
      <>
        {enabled ? (
          <p data-testid="two-factor-on">
            <span className="badge badge--on">On</span>
            {recoveryCodesText(recoveryCodesRemaining)}
            {passkeysText(load.value.passkeys)}
          </p>
        ) : (
          <p data-testid="two-factor-off">
            <span className="badge badge--off">Off</span> Add a code from an authenticator app to each login.
          </p>
        )}
        {panel === 'none' && (
          <div className="security__actions">
            {enabled ? (
              <>
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => setPanel('regenerate')}
                >
                  Get New Recovery Codes
                </button>
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => setPanel('disable')}
                >
                  Turn Off Two-Factor Authentication
                </button>
              </>
            ) : (
              <button type="button" className="button button--primary" onClick={() => setPanel('enroll')}>
                Enroll in Two-Factor Authentication
              </button>
            )}
          </div>
        )}
        {panel === 'enroll' && (
          // On as soon as the app is confirmed, while its recovery codes are still on screen.
          <TotpEnrollment onConfirmed={() => void reload()} onFinished={close} onCancel={close} />
        )}
        {panel === 'regenerate' && (
          <CurrentPasswordForm
            id="regeneratePassword"
            intro="A new set of ten recovery codes replaces your old ones, which stop working."
            submitLabel="Get New Recovery Codes"
            onSubmit={async (password) =>
              setPanel({ codes: (await twoFactorApi.regenerateRecoveryCodes(password)).recoveryCodes })
            }
            onCancel={() => setPanel('none')}
          />
        )}
        {panel === 'disable' && (
          <CurrentPasswordForm
            id="disablePassword"
            intro="Turning off two-factor authentication removes your authenticator app, recovery codes and passkeys. Logging in will need only your password."
            submitLabel="Turn Off Two-Factor Authentication"
            danger
            onSubmit={async (password) => {
              await twoFactorApi.disable(password);
              close();
            }}
            onCancel={() => setPanel('none')}
          />
        )}
        {typeof panel === 'object' && <RecoveryCodeSheet codes={panel.codes} onDone={close} />}
        {enabled && panel === 'none' && <PasskeysList onChange={() => void reload()} />}
        {enabled && <RememberedBrowsersList />}
      </>
    );
  }

  return (
    <SecurityRow label="Two-Factor Authentication" testId="two-factor-status">
      {body}
    </SecurityRow>
  );
}
