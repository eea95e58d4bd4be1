import { describe, expect, it } from 'vitest';
import { headerSafe, remoteUserHeaders } from './remote-user-headers.js';

describe('headerSafe', () => {
  it('leaves visible ASCII and spaces as they are', () => {
    expect(headerSafe("Jane O'Neil <jane@x.example>")).toBe("Jane O'Neil <jane@x.example>");
  });

  it('percent-encodes UTF-8 beyond ASCII, and decodeURIComponent gives the text back', () => {
    for (const name of ['Zoë Ólafsdóttir', 'Łukasz Żółć', '田中 太郎', 'Ada 👩‍⚕️', '100% sure %41']) {
      const encoded = headerSafe(name);
      expect(encoded).toMatch(/^[\x20-\x7e]*$/);
      expect(decodeURIComponent(encoded)).toBe(name);
    }
    expect(headerSafe('Zoë')).toBe('Zo%C3%AB');
    expect(headerSafe('50%')).toBe('50%25');
  });

  it('encodes CR, LF, NUL, tab and DEL, so no value can end its header line', () => {
    expect(headerSafe('eve\r\nRemote-User: admin')).toBe('eve%0D%0ARemote-User: admin');
    expect(headerSafe('a\u0000b\tc\u007f')).toBe('a%00b%09c%7F');
  });
});

describe('remoteUserHeaders', () => {
  it('names the user, practice, roles (comma-separated), email and full name', () => {
    expect(
      remoteUserHeaders({
        id: '0b9f7c1e-4a62-4f55-9d43-0f3c8e2b7a10',
        username: 'jdoe',
        practiceCode: 'ACME',
        roles: ['clinician', 'biller'],
        email: 'jdoe@acme.example',
        firstName: 'Jane',
        lastName: 'Doe',
      }),
    ).toEqual({
      'Remote-User': 'jdoe',
      'Remote-User-Id': '0b9f7c1e-4a62-4f55-9d43-0f3c8e2b7a10',
      'Remote-Practice': 'ACME',
      'Remote-Roles': 'clinician,biller',
      'Remote-Email': 'jdoe@acme.example',
      'Remote-Name': 'Jane Doe',
    });
  });
});
