import { Type } from 'typebox';
import { Stage } from '../schemas.js';

/** Answers of the two-factor routes, shared with the web app's types (src/http/api-types.ts). */
export const TwoFactorStatus = Type.Object({
  enabled: Type.Boolean(),
  recoveryCodesRemaining: Type.Union([Type.Integer(), Type.Null()]),
  passkeys: Type.Integer(),
  rememberBrowserDays: Type.Integer(),
});

export const TotpSetup = Type.Object({
  secret: Type.String(),
  otpauthUri: Type.String(),
  qrCodeSvg: Type.String(),
});

/** Recovery codes, shown once; `next` when confirming an enrolment finished a sign-in. */
export const RecoveryCodes = Type.Object({
  recoveryCodes: Type.Array(Type.String()),
  next: Type.Optional(Stage),
});

/** What the second-factor step offers. */
export const SecondFactorOptions = Type.Object({
  rememberBrowserDays: Type.Integer(),
  passkeys: Type.Boolean(),
});

export const RememberedBrowser = Type.Object({
  id: Type.String(),
  browser: Type.String(),
  ip: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Type.String(),
  expiresAt: Type.String(),
});

export const Passkey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});
