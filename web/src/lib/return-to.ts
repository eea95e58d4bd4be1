import { allowedReturnTo } from '../../../src/domain/return-to.js';
import { request } from '../api.js';

/**
 * `/login?returnTo=…`: where a reverse proxy's forward-auth sent the browser from
 * (docs/deploy.md). The address is checked here with the server's own rule
 * (src/domain/return-to.ts) against the origins the server allows (PUBLIC_URL's and
 * ALLOWED_RETURN_ORIGINS) and this page's own; anything else is ignored.
 */
export async function checkedReturnTo(returnTo: string): Promise<URL | undefined> {
  const { origins } = await request<{ origins: string[] }>('GET', '/api/authz/return-origins');
  const target = allowedReturnTo(returnTo, window.location.origin, origins);
  return target === undefined ? undefined : new URL(target);
}
