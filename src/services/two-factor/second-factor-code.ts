import type { SecretKeys } from '../../domain/secret-box.js';
import { hashRecoveryCode, normalizeRecoveryCode } from '../../domain/recovery-codes.js';
import { matchTotpStep, normalizeTotpCode } from '../../domain/totp.js';
import type { Executor } from '../../store/database.js';
import {
  claimTotpStep,
  findTotp,
  findTwoFactorStatus,
  useRecoveryCode,
} from '../../store/two-factor-store.js';
import { openTotpSecret } from './totp-secret.js';

/**
 * Checks a code typed at the second-factor step: six digits are a TOTP code, anything of the
 * recovery-code shape a recovery code. A TOTP code is accepted once (its step is claimed
 * atomically, see claimTotpStep); a recovery code is used up (atomically) when accepted.
 */
export type CodeCheck =
  | { readonly ok: true; readonly method: 'totp' }
  | { readonly ok: true; readonly method: 'recovery_code'; readonly remaining: number }
  | { readonly ok: false; readonly reason: 'invalid_code' | 'replayed_code' | 'not_enrolled' };

export async function checkSecondFactorCode(
  trx: Executor,
  keys: SecretKeys,
  userId: string,
  code: string,
  now: number,
): Promise<CodeCheck> {
  const totp = await findTotp(trx, userId);
  if (!totp?.enabled) return { ok: false, reason: 'not_enrolled' };
  if (normalizeTotpCode(code) !== undefined) {
    const secret = openTotpSecret(keys, userId, totp.secretBox);
    const step = secret === undefined ? undefined : matchTotpStep(secret, code, now);
    if (step === undefined) return { ok: false, reason: 'invalid_code' };
    return (await claimTotpStep(trx, userId, step))
      ? { ok: true, method: 'totp' }
      : { ok: false, reason: 'replayed_code' };
  }
  const canonical = normalizeRecoveryCode(code);
  if (canonical === undefined || !(await useRecoveryCode(trx, userId, hashRecoveryCode(canonical), now)))
    return { ok: false, reason: 'invalid_code' };
  const { recoveryCodesRemaining } = await findTwoFactorStatus(trx, userId);
  return { ok: true, method: 'recovery_code', remaining: recoveryCodesRemaining ?? 0 };
}
