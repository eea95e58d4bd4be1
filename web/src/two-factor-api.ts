import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { request } from './api.js';
import type {
  NextStage,
  Passkey,
  RecoveryCodes,
  RememberedBrowser,
  SecondFactorOptions,
  TotpSetup,
  TwoFactorStatus,
} from './types.js';

export type { Passkey, RecoveryCodes, RememberedBrowser, SecondFactorOptions, TotpSetup, TwoFactorStatus };

/** The two-factor endpoints (docs/architecture.md "HTTP API"). */
export const twoFactorApi = {
  status: () => request<TwoFactorStatus>('GET', '/api/me/two-factor'),
  /** Without a password only in the forced enrolment stage of a sign-in (the server refuses it elsewhere). */
  setup: (currentPassword?: string) =>
    request<TotpSetup>(
      'POST',
      '/api/me/two-factor/totp/setup',
      currentPassword === undefined ? {} : { currentPassword },
    ),
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
  passkeys: () => request<{ items: Passkey[] }>('GET', '/api/me/passkeys'),
  passkeyRegistrationOptions: (currentPassword: string) =>
    request<{ options: PublicKeyCredentialCreationOptionsJSON }>(
      'POST',
      '/api/me/passkeys/registration-options',
      {
        currentPassword,
      },
    ),
  addPasskey: (name: string, response: RegistrationResponseJSON) =>
    request<Passkey>('POST', '/api/me/passkeys', { name, response }),
  renamePasskey: (id: string, name: string) =>
    request<undefined>('PATCH', `/api/me/passkeys/${encodeURIComponent(id)}`, { name }),
  removePasskey: (id: string) => request<undefined>('DELETE', `/api/me/passkeys/${encodeURIComponent(id)}`),
  passkeySignInOptions: () =>
    request<{ options: PublicKeyCredentialRequestOptionsJSON }>(
      'POST',
      '/api/auth/two-factor/passkey/options',
    ),
  passkeySignIn: (response: AuthenticationResponseJSON, rememberBrowser: boolean) =>
    request<NextStage>('POST', '/api/auth/two-factor/passkey', { response, rememberBrowser }),
};
