import { ipAllowed, parseAllowListEntry } from './ip-allow-list.js';

/**
 * Which forwarding hops to believe (TRUST_PROXY; docs/requirements.md T9). The caller's address
 * is found as proxy-addr finds it: walk from the socket's peer (hop 0) leftwards through
 * X-Forwarded-For while each hop is a trusted proxy; the first address that is not is the
 * client. So the client is the right-most untrusted address, and whatever a client writes to
 * the left of it is never read.
 *
 * - `false`: no proxy. The socket's peer is the client; forwarding headers are ignored.
 * - a hop count N: the nearest N hops (the peer and the N - 1 right-most entries) are proxies.
 * - addresses and CIDR ranges: every hop whose address is in them is a proxy.
 *
 * `true` is one hop: a single proxy (nginx) in front, whether it replaces X-Forwarded-For or
 * appends to it. Fastify's own `true` believes the whole chain, which lets a client name any
 * address it likes; no TRUST_PROXY value means that.
 */
export type TrustedProxies = false | number | readonly string[];

/** More hops than any real chain of proxies; a bigger number is a typo. */
export const MAX_PROXY_HOPS = 16;

const TRUE_WORDS = ['true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

/** TRUST_PROXY's text as a value, or undefined when it is none of the forms above. */
export function parseTrustedProxies(text: string): TrustedProxies | undefined {
  const word = text.trim().toLowerCase();
  if (FALSE_WORDS.includes(word)) return false;
  if (TRUE_WORDS.includes(word)) return 1;
  if (/^\d+$/.test(word)) {
    const hops = Number(word);
    return hops <= MAX_PROXY_HOPS ? hops : undefined;
  }
  const ranges = word.split(',').map((entry) => entry.trim());
  return ranges.every((range) => parseAllowListEntry(range) !== undefined) ? ranges : undefined;
}

/** Fastify's `trustProxy` function: whether the address at this hop (0 = the peer) is a proxy. */
export function trustsHop(
  proxies: Exclude<TrustedProxies, false>,
): (address: string, hop: number) => boolean {
  if (typeof proxies === 'number') return (_address, hop) => hop < proxies;
  const entries = proxies.map((cidr) => ({ cidr }));
  return (address) => ipAllowed(address, entries);
}
