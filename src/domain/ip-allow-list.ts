import ipaddr from 'ipaddr.js';

/**
 * The practice's IP allow-list (Settings > Security > Computer Access Settings).
 *
 * - Entries are single addresses (`203.0.113.7`, `2001:db8::1`) or CIDR ranges
 *   (`203.0.113.0/24`, `2001:db8::/32`); IPv4 only in plain four-part decimal form.
 * - An IPv4-mapped IPv6 caller (`::ffff:203.0.113.7`, as dual-stack sockets report) is
 *   matched as the IPv4 address it carries.
 * - Off by default; Practice Administrators are exempt (so an admin cannot lock everyone
 *   out); checked only after a correct password.
 */
type Range = readonly [ipaddr.IPv4 | ipaddr.IPv6, number];

/** The range an entry names, or undefined when it is not a valid address or CIDR range. */
export function parseAllowListEntry(cidr: string): Range | undefined {
  const [address = '', prefix, ...rest] = cidr.trim().split('/');
  if (rest.length > 0) return undefined;
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) ip = ipaddr.IPv4.parse(address);
  else if (ipaddr.IPv6.isValid(address) && !address.includes('%')) ip = ipaddr.IPv6.parse(address);
  else return undefined;
  const maxBits = ip.kind() === 'ipv4' ? 32 : 128;
  if (prefix === undefined) return [ip, maxBits];
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > maxBits) return undefined;
  return [ip, Number(prefix)];
}

/** Whether the caller's IP falls in any entry. An unparseable IP is never allowed. */
export function ipAllowed(ip: string, entries: readonly { readonly cidr: string }[]): boolean {
  if (!ipaddr.isValid(ip)) return false;
  const caller = ipaddr.process(ip);
  return entries.some((entry) => {
    const range = parseAllowListEntry(entry.cidr);
    return range !== undefined && range[0].kind() === caller.kind() && caller.match(range[0], range[1]);
  });
}

/** One sentence per entry that is not an address or CIDR range. */
export function allowListProblems(
  entries: readonly { readonly name: string; readonly cidr: string }[],
): string[] {
  return entries
    .filter((entry) => parseAllowListEntry(entry.cidr) === undefined)
    .map(
      (entry) =>
        `"${entry.cidr.slice(0, 64)}" (${entry.name.slice(0, 100)}) is not an IP address or CIDR range such as 203.0.113.0/24.`,
    );
}
