// RS256 signatures of an ID token in a child process (bench/rs256-busy.mjs) with the server's
// pool size: the ceiling for the OpenID Connect code exchange, whose one costly step is signing
// the ID token (the access token is opaque, no refresh token without offline_access).
import { busyRate } from './busy-child.mjs';

/**
 * Raw RS256 signatures per second of an ID token like `idToken` (one the server issued) on
 * `pool` threads, `inFlight` waiting, as a server's pool signs them under code-exchange load.
 */
export function rawSignRate({ pool, inFlight, seconds, idToken }) {
  return busyRate('bench/rs256-busy.mjs', { pool, inFlight, seconds, env: { ID_TOKEN: idToken } });
}
