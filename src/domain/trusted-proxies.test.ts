import { describe, expect, it } from 'vitest';
import { MAX_PROXY_HOPS, parseTrustedProxies, trustsHop } from './trusted-proxies.js';

describe('parseTrustedProxies', () => {
  it('reads off as no proxy and on as exactly one hop', () => {
    for (const word of ['false', 'No', '0', 'off']) expect(parseTrustedProxies(word)).toBe(false);
    for (const word of ['true', 'Yes', 'on', '1']) expect(parseTrustedProxies(word)).toBe(1);
  });

  it('reads a hop count up to the bound', () => {
    expect(parseTrustedProxies('2')).toBe(2);
    expect(parseTrustedProxies(String(MAX_PROXY_HOPS))).toBe(MAX_PROXY_HOPS);
    expect(parseTrustedProxies(String(MAX_PROXY_HOPS + 1))).toBeUndefined();
  });

  it('reads a comma-separated list of addresses and CIDR ranges', () => {
    expect(parseTrustedProxies('127.0.0.1, 10.0.0.0/8,2001:db8::/32')).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '2001:db8::/32',
    ]);
  });

  it('refuses anything else', () => {
    for (const text of ['maybe', '10.0.0.0/33', '127.0.0.1,', 'loopback', '-1', '1.5', 'proxy.example.org'])
      expect(parseTrustedProxies(text)).toBeUndefined();
  });
});

describe('trustsHop', () => {
  it('with a hop count, trusts the nearest hops whatever their address', () => {
    const trust = trustsHop(2);
    expect([0, 1, 2].map((hop) => trust('10.9.9.9', hop))).toEqual([true, true, false]);
  });

  it('with ranges, trusts exactly the addresses in them, IPv4-mapped IPv6 included', () => {
    const trust = trustsHop(['127.0.0.1', '10.0.0.0/8']);
    expect(trust('127.0.0.1', 0)).toBe(true);
    expect(trust('::ffff:10.1.2.3', 0)).toBe(true);
    expect(trust('10.200.0.1', 5)).toBe(true);
    expect(trust('192.0.2.1', 1)).toBe(false);
    expect(trust('not an address', 1)).toBe(false);
  });
});
