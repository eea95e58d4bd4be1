import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { SecretKeys } from '../domain/secret-box.js';
import { constantTimeEqual, hashToken } from '../domain/secret-token.js';
import type { ServiceDeps } from '../services/context.js';
import { findAccount, SCOPE_CLAIMS } from '../services/apps/oidc-accounts.js';
import { oidcAdapterFactory } from '../services/apps/oidc-adapter.js';
import type { AppLogoutSender } from '../services/apps/app-logout-delivery.js';
import { FIRST_PARTY_METADATA, PRACTICE_METADATA } from '../services/apps/oidc-clients.js';
import { bindAppSignInToProvider, providerSessionHeldBy } from '../services/apps/oidc-sign-in.js';
import { logout, type OwnRequest, type ValidSession } from '../services/sessions/sessions.js';
import type { RequestOrigin } from '../services/context.js';
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

/** The Gatehouse session of each request handed to the provider (src/http/oidc/provider.routes.ts), and whence it came. */
const gatehouseSessions = new WeakMap<IncomingMessage, OwnRequest>();

export function carryGatehouseSession(
  request: IncomingMessage,
  current: ValidSession | null,
  origin: RequestOrigin,
): void {
  if (current) gatehouseSessions.set(request, { auth: current, origin });
}

/**
 * The provider's prompts, with one more reason to ask for a sign-in: the provider's session
 * stands only beside the live Gatehouse session it was made from (services/apps/oidc-sign-in.ts
 * providerSessionHeldBy). So `prompt=none` answers login_required, and other requests go
 * through our sign-in step, once the browser no longer holds that session.
 */
function interactionPrompts(deps: ServiceDeps) {
  const policy = interactionPolicy.base();
  const { Check } = interactionPolicy;
  policy.get('login')?.checks.add(
    new Check('gatehouse_session', 'The Gatehouse session has ended', 'login_required', async (ctx) => {
      const { session, result } = ctx.oidc;
      if (result?.login || !session?.accountId) return Check.NO_NEED_TO_PROMPT;
      const held = await providerSessionHeldBy(
        deps,
        session.uid,
        gatehouseSessions.get(ctx.req)?.auth ?? null,
      );
      return held ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}

/**
 * The provider's own grant lookup (its default), and, when an authorization resumes from our
 * sign-in step (src/http/oidc/provider.routes.ts), the app's `sid` fixed now rather than later
 * by the provider, and recorded with the provider's session for the sign-in, before the app can
 * receive a code.
 */
async function loadExistingGrant(deps: ServiceDeps, ctx: KoaContextWithOIDC) {
  const { session, client, result, provider } = ctx.oidc;
  if (!client || !session) return undefined;
  const resumedGrantId = result?.consent?.grantId;
  if (resumedGrantId) {
    session.ensureClientContainer(client.clientId);
    const sid = session.sidFor(client.clientId);
    if (sid) await bindAppSignInToProvider(deps, resumedGrantId, { sid, sessionUid: session.uid });
  }
  const grantId = resumedGrantId ?? session.grantIdFor(client.clientId);
  return grantId ? provider.Grant.find(grantId) : undefined;
}

/** oidc-provider's Client#backchannelLogout (signs the logout token and posts it), untyped in its types. */
interface BackchannelLogoutClient {
  readonly backchannelLogoutUri?: string;
  backchannelLogout(sub: string, sid: string): Promise<void>;
}

/**
 * Sends an app its back-channel logout token for a session (`sub`, `sid`, the back-channel
 * logout event), signed with the provider's keys and posted by the provider itself; false when
 * the app is gone or has no back-channel logout URI.
 */
export function appLogoutSender(provider: Provider): AppLogoutSender {
  return async ({ clientId, sub, sid }) => {
    const client = (await provider.Client.find(clientId)) as BackchannelLogoutClient | undefined;
    if (!client?.backchannelLogoutUri) return false;
    await client.backchannelLogout(sub, sid);
    return true;
  };
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
    interactions: {
      policy: interactionPrompts(deps),
      url: (_ctx, interaction) => `${OIDC_PREFIX}/interaction/${interaction.uid}`,
    },
    loadExistingGrant: (ctx) => loadExistingGrant(deps, ctx),
    // Apps are registered by a practice's administrators, and a practice's apps often live on its
    // own network: back-channel logouts (the only requests the provider makes with these
    // settings) may go to private and loopback addresses, which the default fetch refuses.
    fetch: (url, init) => fetch(url, { ...init, dispatcher: undefined } as RequestInit),
    // Every use of a refresh token gives a new one; the provider revokes the grant when a used one returns (O2).
    rotateRefreshToken: () => true,
    ttl: TTL,
  };
  const provider = new Provider(`${publicUrl.origin}${OIDC_PREFIX}`, configuration);
  provider.proxy = options.trustProxy;
  // An app's sign-out (RP-initiated logout) that the user confirmed ends the Gatehouse session
  // too, before the provider's answer leaves: signing out of the app where the sign-in started
  // signs the browser out of the practice account, as the end of a Gatehouse session signs it
  // out of every app (back-channel logout).
  provider.use(async (ctx, next) => {
    await next();
    const carried = gatehouseSessions.get(ctx.req);
    const params = (ctx as KoaContextWithOIDC).oidc?.params;
    if (
      carried &&
      ctx.method === 'POST' &&
      ctx.path === '/session/end/confirm' &&
      params?.logout &&
      ctx.status < 400
    )
      await logout(deps, carried);
  });
  // client_secret holds the secret's SHA-256 (services/apps/oidc-clients.ts): hash what the app sent.
  provider.Client.prototype.compareClientSecret = function (this: { clientSecret?: string }, actual: string) {
    return Promise.resolve(
      this.clientSecret !== undefined && constantTimeEqual(this.clientSecret, hashToken(actual)),
    );
  };
  return provider;
}
