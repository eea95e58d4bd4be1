import QRCode from 'qrcode';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  normalizeRecoveryCode,
} from '../../domain/recovery-codes.js';
import { stageProvesPassword, type SignInStage } from '../../domain/session-stage.js';
import { generateTotpSecret, matchTotpStep, otpauthUri } from '../../domain/totp.js';
import type { Executor } from '../../store/database.js';
import {
  claimTotpStep,
  enableTotp,
  findTotp,
  replaceRecoveryCodes,
  savePendingTotp,
} from '../../store/two-factor-store.js';
import { audit } from '../activity/audit.js';
import { confirmCurrentPassword, type CurrentPasswordRefusal } from '../passwords/current-password.js';
import { notifyUser } from '../mail/notify.js';
import type { OwnRequest } from '../sessions/sessions.js';
import { advanceSignIn } from '../sign-in/sign-in.js';
import { openTotpSecret, sealTotpSecret } from './totp-secret.js';
import type { TwoFactorDeps } from './two-factor-deps.js';

/**
 * Enrolling an authenticator app (F2, F4, F5):
 *
 *   setup (current password) -> pending secret, shown once as key + otpauth URI + QR code
 *   (no password in stage `two_factor_enrollment`: the sign-in's own password is the proof, see
 *   domain/session-stage.ts `stageProvesPassword`; one sent there anyway is still checked)
 *   confirm (a code from the app) -> 2FA on, 10 recovery codes shown once, `two_factor.enrolled`,
 *   email. In stage `two_factor_enrollment` (practice requires 2FA) confirming also completes
 *   the sign-in under a new session id.
 *
 * Until confirmed nothing changes for sign-in: a pending secret is not a second factor.
 */
export type SetupResult =
  | { readonly ok: true; readonly secret: string; readonly otpauthUri: string; readonly qrCodeSvg: string }
  | {
      readonly ok: false;
      readonly reason: CurrentPasswordRefusal | 'current_password_required' | 'already_enabled';
    };

export async function beginTotpSetup(
  deps: TwoFactorDeps,
  { auth, origin, currentPassword }: OwnRequest & { readonly currentPassword?: string | undefined },
): Promise<SetupResult> {
  const { user, practice } = auth;
  if (currentPassword === undefined) {
    if (!stageProvesPassword(auth.session.stage)) return { ok: false, reason: 'current_password_required' };
  } else {
    const confirmed = await confirmCurrentPassword(deps, {
      auth,
      origin,
      password: currentPassword,
      failureEvent: 'two_factor.enrolled',
    });
    if (!confirmed.ok) return confirmed;
  }
  const secret = generateTotpSecret();
  const uri = otpauthUri(secret, practice.name, user.username);
  const saved = await savePendingTotp(
    deps.store.db,
    user.id,
    sealTotpSecret(deps.secretKeys, user.id, secret),
    deps.clock.now(),
  );
  if (!saved) return { ok: false, reason: 'already_enabled' };
  const qrCodeSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { ok: true, secret, otpauthUri: uri, qrCodeSvg };
}

export type ConfirmResult =
  | {
      readonly ok: true;
      readonly recoveryCodes: readonly string[];
      /** Set when confirming finished a sign-in (stage two_factor_enrollment). */
      readonly session: { readonly token: string; readonly stage: SignInStage } | undefined;
    }
  | { readonly ok: false; readonly reason: 'invalid_code' | 'no_setup' | 'already_enabled' };

export async function confirmTotpSetup(
  deps: TwoFactorDeps,
  { auth, origin, code }: OwnRequest & { readonly code: string },
): Promise<ConfirmResult> {
  const { user, practice, session } = auth;
  const now = deps.clock.now();
  return deps.store.transaction(async (trx) => {
    const pending = await findTotp(trx, user.id);
    if (!pending) return { ok: false, reason: 'no_setup' } as const;
    if (pending.enabled) return { ok: false, reason: 'already_enabled' } as const;
    const secret = openTotpSecret(deps.secretKeys, user.id, pending.secretBox);
    const step = secret === undefined ? undefined : matchTotpStep(secret, code, now);
    if (step === undefined || !(await claimTotpStep(trx, user.id, step)))
      return { ok: false, reason: 'invalid_code' } as const;
    await enableTotp(trx, user.id, now);
    const recoveryCodes = await issueRecoveryCodes(trx, user.id, now);
    await audit(trx, {
      practiceId: practice.id,
      type: 'two_factor.enrolled',
      outcome: 'success',
      actor: user,
      target: user,
      origin,
      at: now,
      details: { method: 'totp' },
    });
    await notifyUser(
      trx,
      { user, practice, origin, at: now },
      {
        subject: 'Two-factor authentication is on',
        paragraphs: [
          'Two-factor authentication was turned on for your account. From now on, logging in also asks for a code from your authenticator app.',
          'Keep your recovery codes somewhere safe: each one lets you log in once if you lose your phone.',
        ],
      },
    );
    const advanced =
      session.stage === 'two_factor_enrollment'
        ? await advanceSignIn(trx, session, {
            user,
            practice,
            // Confirming a code from the app is itself a second factor.
            progress: { ...session.progress, secondFactorDone: true, twoFactorEnrolled: true },
            origin,
            now,
          })
        : undefined;
    return { ok: true, recoveryCodes, session: advanced } as const;
  });
}

/** A new set of recovery codes replacing the old; only hashes are stored, the codes are returned once. */
export async function issueRecoveryCodes(trx: Executor, userId: string, now: number): Promise<string[]> {
  const codes = generateRecoveryCodes();
  const hashes = codes.map((code) => hashRecoveryCode(normalizeRecoveryCode(code) ?? code));
  await replaceRecoveryCodes(trx, userId, hashes, now);
  return codes;
}
