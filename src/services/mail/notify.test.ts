import { describe, expect, it } from 'vitest';
import { greetingOf } from './notify.js';

describe('greetingOf', () => {
  it('greets by the whole name, so the first practice’s administrator is not "Hello Practice,"', () => {
    expect(greetingOf({ firstName: 'Practice', lastName: 'Administrator' })).toBe(
      'Hello Practice Administrator,',
    );
    expect(greetingOf({ firstName: 'Dana', lastName: 'Scully' })).toBe('Hello Dana Scully,');
  });
});
