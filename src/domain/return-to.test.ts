import { describe, expect, it } from 'vitest';
import {
  allowedReturnTo,
  parseOrigin,
  parseOriginList,
  RETURN_TO_MAX_LENGTH,
  signInPageFor,
} from './return-to.js';

const OWN = 'https://gatehouse.example.org';
const ALLOWED = ['https://ehr.example.org', 'http://127.0.0.1:8080'];

describe('allowedReturnTo', () => {
  it('accepts URLs of an allowed origin and of Gatehouse itself, and paths of Gatehouse', () => {
    expect(allowedReturnTo('https://ehr.example.org/chart/12?tab=notes', OWN, ALLOWED)).toBe(
      'https://ehr.example.org/chart/12?tab=notes',
    );
    expect(allowedReturnTo('HTTPS://EHR.example.org:443/', OWN, ALLOWED)).toBe('https://ehr.example.org/');
    expect(allowedReturnTo('http://127.0.0.1:8080/', OWN, ALLOWED)).toBe('http://127.0.0.1:8080/');
    expect(allowedReturnTo('https://gatehouse.example.org/staff', OWN, ALLOWED)).toBe(
      'https://gatehouse.example.org/staff',
    );
    expect(allowedReturnTo('/profile/activity', OWN, ALLOWED)).toBe(
      'https://gatehouse.example.org/profile/activity',
    );
  });

  it.each([
    ['another origin', 'https://evil.example/'],
    ['a look-alike suffix', 'https://ehr.example.org.evil.example/'],
    ['another port', 'https://ehr.example.org:8443/'],
    ['another scheme', 'http://ehr.example.org/'],
    ['a protocol-relative URL', '//evil.example/'],
    ['a backslash path', '/\\evil.example/'],
    ['backslashes as slashes', 'https:\\\\evil.example/'],
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a bare host', 'evil.example'],
    ['a tab the parser would drop', '/\t/evil.example/'],
    ['a newline', 'https://ehr.example.org/\nx'],
    ['credentials', 'https://user:pw@ehr.example.org/'],
    ['an allowed origin as user info', 'https://ehr.example.org@evil.example/'],
    ['non-ASCII', 'https://ehr.example.org／@evil.example/'],
    ['an empty value', ''],
    ['an over-long value', `https://ehr.example.org/${'a'.repeat(RETURN_TO_MAX_LENGTH)}`],
  ])('ignores %s', (_label, returnTo) => {
    expect(allowedReturnTo(returnTo, OWN, ALLOWED)).toBeUndefined();
  });
});

describe('parseOrigin', () => {
  it('reads scheme, host and port, nothing else', () => {
    expect(parseOrigin('https://EHR.example.org')).toBe('https://ehr.example.org');
    expect(parseOrigin('https://ehr.example.org/')).toBe('https://ehr.example.org');
    expect(parseOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    for (const text of [
      'https://ehr.example.org/app',
      'https://ehr.example.org?x',
      'https://u@ehr.example.org',
      'ftp://ehr.example.org',
      'ehr.example.org',
      '//ehr.example.org',
      'https:\\\\ehr.example.org',
    ])
      expect(parseOrigin(text), text).toBeUndefined();
  });

  it('reads a comma-separated list, refusing it whole when one item is not an origin', () => {
    expect(parseOriginList('https://a.example, https://b.example:8443 ,')).toEqual([
      'https://a.example',
      'https://b.example:8443',
    ]);
    expect(parseOriginList('https://a.example,https://b.example/path')).toBeUndefined();
  });
});

describe('signInPageFor', () => {
  it('carries an allowed address, encoded whole, and drops any other', () => {
    expect(signInPageFor('https://ehr.example.org/chart?a=1&b=x+y%20z', OWN, ALLOWED)).toBe(
      `${OWN}/login?returnTo=${encodeURIComponent('https://ehr.example.org/chart?a=1&b=x+y%20z')}`,
    );
    expect(signInPageFor('https://evil.example/', OWN, ALLOWED)).toBe(`${OWN}/login`);
    expect(signInPageFor(undefined, OWN, ALLOWED)).toBe(`${OWN}/login`);
  });
});
