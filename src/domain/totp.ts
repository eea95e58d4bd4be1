import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/**
 * Time-based one-time passwords (RFC 6238) for authenticator apps (F1, F2).
 *
 * - Secret: 20 bytes (160 bits) from the CSPRNG, shown to the user as base32.
 * - SHA-1, 6 digits, 30 s steps: what every authenticator app understands.
 * - Window: the current step and one step either side (±30 s of clock drift), no more.
 * - Replay: a code is accepted only for a step strictly greater than the last step accepted
 *   for the user (the store keeps it and moves it atomically, see two-factor-store.ts); this
 *   module only says which step a code belongs to.
 */
export const TOTP_SECRET_BYTES = 20;
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ALGORITHM = 'SHA1';
/** Steps accepted either side of the current one. */
export const TOTP_WINDOW = 1;

/** A new secret, base32 (32 characters for 160 bits). */
export function generateTotpSecret(): string {
  return new Secret({ buffer: new Uint8Array(randomBytes(TOTP_SECRET_BYTES)).buffer }).base32;
}

/** The time step a moment falls in. */
export function totpStep(at: number): number {
  return Math.floor(at / 1000 / TOTP_PERIOD_SECONDS);
}

/** Six digits, spaces allowed (apps show "123 456"); anything else is no code. */
export function normalizeTotpCode(input: string): string | undefined {
  const digits = input.replace(/\s/g, '');
  return /^\d{6}$/.test(digits) ? digits : undefined;
}

/** The step within the window whose code this is, or undefined when it matches none. */
export function matchTotpStep(secretBase32: string, code: string, at: number): number | undefined {
  const token = normalizeTotpCode(code);
  if (token === undefined) return undefined;
  const delta = totp(secretBase32).validate({ token, timestamp: at, window: TOTP_WINDOW });
  return delta === null ? undefined : totpStep(at) + delta;
}

/** The code for a moment (tests and the enrolment check use it). */
export function totpCodeAt(secretBase32: string, at: number): string {
  return totp(secretBase32).generate({ timestamp: at });
}

/** The otpauth:// URI an authenticator app scans: issuer = practice name, label = user name. */
export function otpauthUri(secretBase32: string, issuer: string, accountName: string): string {
  return new TOTP({
    issuer,
    label: accountName,
    secret: Secret.fromBase32(secretBase32),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

function totp(secretBase32: string): TOTP {
  return new TOTP({
    secret: Secret.fromBase32(secretBase32),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
}
