import { request } from './api.js';
import type { NextStage } from './types.js';

/** The two-factor endpoints (DESIGN.md, "Public HTTP API"). */
export interface TwoFactorStatus {
  enabled: boolean;
  recoveryCodesRemaining: number | null;
  passkeys: number;
  rememberBrowserDays: number;
}

export interface TotpSetup {
  secret: string;
  otpauthUri: string;
  qrCodeSvg: string;
}

export interface RecoveryCodes {
  recoveryCodes: string[];
  /** Set when confirming finished a sign-in (the practice required enrolment). */
  next?: NextStage['next'];
}

export interface SecondFactorOptions {
  rememberBrowserDays: number;
  passkeys: boolean;
}

export interface RememberedBrowser {
  id: string;
  browser: string;
  ip: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
}

export const twoFactorApi = {
  status: () => request<TwoFactorStatus>('GET', '/api/me/two-factor'),
  setup: (currentPassword: string) =>
    request<TotpSetup>('POST', '/api/me/two-factor/totp/setup', { currentPassword }),
  confirm: (code: string) => request<RecoveryCodes>('POST', '/api/me/two-factor/totp/confirm', { code }),
  disable: (currentPassword: string) =>
    request<undefined>('DELETE', '/api/me/two-factor', { currentPassword }),
  regenerateRecoveryCodes: (currentPassword: string) =>
    request<RecoveryCodes>('POST', '/api/me/two-factor/recovery-codes', { currentPassword }),
  signInOptions: () => request<SecondFactorOptions>('GET', '/api/auth/two-factor'),
  rememberedBrowsers: () => request<{ items: RememberedBrowser[] }>('GET', '/api/me/remembered-browsers'),
  forgetBrowser: (id: string) =>
    request<undefined>('DELETE', `/api/me/remembered-browsers/${encodeURIComponent(id)}`),
  removeForStaff: (userId: string) =>
    request<undefined>('DELETE', `/api/staff/${encodeURIComponent(userId)}/two-factor`),
};
