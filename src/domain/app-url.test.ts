import { describe, expect, it } from 'vitest';
import { appUrlProblem, appUrlsProblem, MAX_APP_URL_LENGTH } from './app-url.js';

describe('appUrlProblem', () => {
  it('accepts https anywhere and http on loopback hosts only', () => {
    for (const ok of [
      'https://ehr.example.com/callback',
      'https://ehr.example.com:8443/oidc/cb?x=1',
      'http://127.0.0.1:5173/callback',
      'http://[::1]:8080/cb',
      'http://localhost/cb',
    ])
      expect(appUrlProblem(ok), ok).toBeUndefined();
  });

  it('refuses http off loopback, other schemes, fragments, credentials, relative and overlong URLs', () => {
    for (const bad of [
      'http://ehr.example.com/callback',
      'http://127.0.0.2.example.com/cb',
      'javascript:alert(1)',
      'ftp://example.com/cb',
      'https://ehr.example.com/cb#top',
      'https://ehr.example.com/cb#',
      'https://user:pw@ehr.example.com/cb',
      '/callback',
      'not a url',
      `https://ehr.example.com/${'a'.repeat(MAX_APP_URL_LENGTH)}`,
    ])
      expect(appUrlProblem(bad), bad).toEqual(expect.any(String));
  });

  it('names the first bad URL of a list', () => {
    expect(appUrlsProblem(['https://a.example/cb', 'http://b.example/cb'])).toContain('http://b.example/cb');
    expect(appUrlsProblem([])).toBeUndefined();
  });
});
