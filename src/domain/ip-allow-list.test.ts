import { describe, expect, it } from 'vitest';
import { allowListProblems, ipAllowed, parseAllowListEntry } from './ip-allow-list.js';

const office = [{ name: 'Office', cidr: '203.0.113.0/24' }];
const home = [{ name: 'Home', cidr: '2001:db8:42::/48' }];

describe('ipAllowed', () => {
  it('admits addresses inside an IPv4 range and refuses others', () => {
    expect(ipAllowed('203.0.113.7', office)).toBe(true);
    expect(ipAllowed('203.0.114.7', office)).toBe(false);
  });

  it('matches IPv4-mapped IPv6 callers against IPv4 ranges', () => {
    expect(ipAllowed('::ffff:203.0.113.9', office)).toBe(true);
    expect(ipAllowed('::ffff:198.51.100.1', office)).toBe(false);
  });

  it('matches IPv6 ranges and never mixes families', () => {
    expect(ipAllowed('2001:db8:42:1::5', home)).toBe(true);
    expect(ipAllowed('2001:db8:43::5', home)).toBe(false);
    expect(ipAllowed('203.0.113.7', home)).toBe(false);
  });

  it('treats a single address as a one-address range', () => {
    expect(ipAllowed('198.51.100.4', [{ cidr: '198.51.100.4' }])).toBe(true);
    expect(ipAllowed('198.51.100.5', [{ cidr: '198.51.100.4' }])).toBe(false);
  });

  it('refuses an unparseable caller and an empty list', () => {
    expect(ipAllowed('not-an-ip', office)).toBe(false);
    expect(ipAllowed('203.0.113.7', [])).toBe(false);
  });
});

describe('parseAllowListEntry', () => {
  it.each(['10.0.0.0/8', '192.168.1.1', '::1', '2001:db8::/32', '0.0.0.0/0'])('accepts %s', (cidr) => {
    expect(parseAllowListEntry(cidr)).toBeDefined();
  });

  it.each([
    '10.0.0.0/33',
    '2001:db8::/129',
    '10.1',
    '0x7f.0.0.1',
    '10.0.0.0/8/8',
    'fe80::1%eth0',
    '10.0.0.0/-1',
    'office',
    '',
  ])('refuses %s', (cidr) => {
    expect(parseAllowListEntry(cidr)).toBeUndefined();
  });

  it('names the faulty entries in problems', () => {
    const problems = allowListProblems([
      { name: 'Office', cidr: '203.0.113.0/24' },
      { name: 'Typo', cidr: '203.0.113.0/40' },
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('Typo');
  });
});
