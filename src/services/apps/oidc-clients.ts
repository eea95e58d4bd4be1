import type { ClientMetadata } from 'oidc-provider';
import type { Store } from '../../store/database.js';
import { findAppByClientId } from '../../store/oidc-app-store.js';

/** Client metadata property naming the app's practice (oidc-provider's extraClientMetadata). */
export const PRACTICE_METADATA = 'gatehouse_practice_id';
/** Client metadata property: a first-party app skips the consent screen. */
export const FIRST_PARTY_METADATA = 'gatehouse_first_party';

/**
 * A registered app as the provider's client metadata: the authorization code flow only
 * (docs/requirements.md O1), ID tokens RS256, confidential apps authenticate with their secret
 * (HTTP Basic), public ones with none and must send PKCE S256 (oidc-provider requires PKCE for
 * `none`). `client_secret` carries the secret's SHA-256, never the secret: the provider's
 * comparison is replaced by one that hashes what the app sends (src/oidc/provider.ts).
 */
export async function clientMetadataOf(store: Store, clientId: string): Promise<ClientMetadata | undefined> {
  const found = await findAppByClientId(store.db, clientId);
  if (!found) return undefined;
  const { app, secretHash } = found;
  return {
    client_id: app.clientId,
    client_name: app.name,
    ...(app.confidential && secretHash !== null
      ? { client_secret: secretHash, token_endpoint_auth_method: 'client_secret_basic' }
      : { token_endpoint_auth_method: 'none' }),
    redirect_uris: [...app.redirectUris],
    post_logout_redirect_uris: [...app.postLogoutRedirectUris],
    ...(app.backchannelLogoutUri === null
      ? {}
      : { backchannel_logout_uri: app.backchannelLogoutUri, backchannel_logout_session_required: true }),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
    [PRACTICE_METADATA]: app.practiceId,
    [FIRST_PARTY_METADATA]: app.firstParty,
  };
}
