import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { UAParser } from 'ua-parser-js';

/**
 * "Seen before" for the new-device email (services/sign-in/new-device.ts): a device is the
 * browser family and operating system (no versions, so an update is not a new device) together
 * with the network the sign-in came from (its IPv4 /24 or IPv6 /48, so a new address from the
 * same office or home line is not a new device either).
 *
 * Chosen over a device cookie because it needs nothing kept in the browser and nothing carried
 * through the sign-in stages, and a stranger with a stolen password on another network is seen
 * as new whatever cookie their browser holds. Its cost: a user who signs in from a new network
 * (a trip, a phone on mobile data) is asked "Was this you?" once for that network.
 *
 * Privately: only a SHA-256 of the user's id with the three parts is kept, never the IP
 * address or the browser text, and the user's id in it makes one user's hashes unrelated to
 * another's.
 */
export function deviceKey(
  userId: string,
  origin: { readonly ip: string; readonly userAgent: string },
): string {
  const { browser, os } = new UAParser(origin.userAgent).getResult();
  return createHash('sha256')
    .update(JSON.stringify([userId, browser.name ?? '', os.name ?? '', networkOf(origin.ip)]))
    .digest('hex');
}

/** The IPv4 /24 or IPv6 /48 an address is in (an IPv4-mapped IPv6 address as IPv4); the text itself when not an IP. */
export function networkOf(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return `${(address as ipaddr.IPv4).octets.slice(0, 3).join('.')}.0/24`;
  const parts = (address as ipaddr.IPv6).parts.slice(0, 3).map((part) => part.toString(16));
  return `${parts.join(':')}::/48`;
}
