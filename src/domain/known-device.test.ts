import { describe, expect, it } from 'vitest';
import { deviceKey, networkOf } from './known-device.js';

const CHROME_142 =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const CHROME_143 = CHROME_142.replace('142.0.0.0', '143.0.0.0');
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

describe('deviceKey', () => {
  it('is the same after a browser update and on another address of the same network', () => {
    const key = deviceKey('u1', { ip: '203.0.113.7', userAgent: CHROME_142 });
    expect(deviceKey('u1', { ip: '203.0.113.200', userAgent: CHROME_143 })).toBe(key);
    expect(deviceKey('u1', { ip: '::ffff:203.0.113.9', userAgent: CHROME_142 })).toBe(key);
  });

  it('differs for another browser, another network or another user, and holds neither IP nor browser', () => {
    const key = deviceKey('u1', { ip: '203.0.113.7', userAgent: CHROME_142 });
    expect(deviceKey('u1', { ip: '203.0.113.7', userAgent: FIREFOX })).not.toBe(key);
    expect(deviceKey('u1', { ip: '198.51.100.7', userAgent: CHROME_142 })).not.toBe(key);
    expect(deviceKey('u2', { ip: '203.0.113.7', userAgent: CHROME_142 })).not.toBe(key);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('networkOf', () => {
  it('keeps an IPv4 /24 and an IPv6 /48', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.0/24');
    expect(networkOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(networkOf('not an ip')).toBe('not an ip');
  });
});
