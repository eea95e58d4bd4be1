import { createHmac } from 'node:crypto';
import Provider, { type Configuration } from 'oidc-provider';
import type { SecretKeys } from '../domain/secret-box.js';
import { constantTimeEqual, hashToken } from '../domain/secret-token.js';
import type { ServiceDeps } from '../services/context.js';
import { findAccount, SCOPE_CLAIMS } from '../services/apps/oidc-accounts.js';
import { oidcAdapterFactory } from '../services/apps/oidc-adapter.js';
import { FIRST_PARTY_METADATA, PRACTICE_METADATA } from '../services/apps/oidc-clients.js';
import { loadSigningKeys } from '../services/apps/oidc-signing-keys.js';

/** Where the provider is mounted; the issuer is PUBLIC_URL + this. */
export const OIDC_PREFIX = '/oidc';

/** The scopes an app may ask for. */
export const OIDC_SCOPES: readonly string[] = [
  'openid',
  'offline_access',
  ...Object.keys(SCOPE_CLAIMS).filter((scope) => scope !== 'openid'),
];

/**
 * Lifetimes, in seconds: codes are exchanged at once; access tokens are short, refresh tokens
 * (rotated on every use, a reused one revokes its grant) carry an app through a working day
 * and a night; a provider session lasts as long as a Gatehouse session may (12 h absolute).
 */
const TTL = {
  AuthorizationCode: 60,
  AccessToken: 10 * 60,
  IdToken: 60 * 60,
  RefreshToken: 24 * 60 * 60,
  Interaction: 60 * 60,
  Session: 12 * 60 * 60,
  Grant: 24 * 60 * 60,
} as const;

export interface OidcProviderOptions {
  readonly deps: ServiceDeps;
  readonly publicUrl: URL;
  readonly secretKeys: SecretKeys;
  /** Believe x-forwarded-proto/host (TRUST_PROXY set). */
  readonly trustProxy: boolean;
}

/** The provider's cookie keys, derived from each instance key (the first signs, all verify). */
function cookieKeys(keys: SecretKeys): string[] {
  return keys.map((key) => createHmac('sha256', key).update('gatehouse oidc cookies').digest('base64url'));
}

export async function createOidcProvider(options: OidcProviderOptions): Promise<Provider> {
  const { deps, publicUrl, secretKeys } = options;
  const configuration: Configuration = {
    adapter: oidcAdapterFactory(deps.store, deps.clock),
    clients: [],
    findAccount: (_ctx, sub) => findAccount(deps.store, sub),
    claims: Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]])),
    scopes: [...OIDC_SCOPES],
    // The claims are in the ID token too, so an app needs no userinfo call to know who signed in.
    conformIdTokenClaims: false,
    jwks: { keys: await loadSigningKeys(deps.store, secretKeys, deps.clock) },
    cookies: { keys: cookieKeys(secretKeys) },
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'none'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
    extraClientMetadata: { properties: [PRACTICE_METADATA, FIRST_PARTY_METADATA] },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      backchannelLogout: { enabled: true },
      userinfo: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `${OIDC_PREFIX}/interaction/${interaction.uid}` },
    // Every use of a refresh token gives a new one; the provider revokes the grant when a used one returns (O2).
    rotateRefreshToken: () => true,
    ttl: TTL,
  };
  const provider = new Provider(`${publicUrl.origin}${OIDC_PREFIX}`, configuration);
  provider.proxy = options.trustProxy;
  // client_secret holds the secret's SHA-256 (services/apps/oidc-clients.ts): hash what the app sent.
  provider.Client.prototype.compareClientSecret = function (this: { clientSecret?: string }, actual: string) {
    return Promise.resolve(
      this.clientSecret !== undefined && constantTimeEqual(this.clientSecret, hashToken(actual)),
    );
  };
  return provider;
}
