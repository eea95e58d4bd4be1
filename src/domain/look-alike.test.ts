import { describe, expect, it } from 'vitest';
import { identifierSkeleton, isMixedScript, skeleton } from './look-alike.js';

describe('look-alike text (Unicode TS #39)', () => {
  it('gives look-alike user names the skeleton of the name they imitate', () => {
    expect(identifierSkeleton('аlice')).toBe(identifierSkeleton('alice'));
    expect(identifierSkeleton('alıce')).toBe(identifierSkeleton('alice'));
    expect(identifierSkeleton('adαm')).toBe(identifierSkeleton('adam'));
    expect(identifierSkeleton('аdmin')).toBe(identifierSkeleton('admin'));
    expect(identifierSkeleton('B0B')).toBe(identifierSkeleton('bob'));
    expect(identifierSkeleton('ALICE')).toBe(identifierSkeleton('alice'));
    expect(identifierSkeleton('alicia')).not.toBe(identifierSkeleton('alice'));
    expect(identifierSkeleton('josé')).not.toBe(identifierSkeleton('jose'));
  });

  it('maps the characters of a look-alike password to their prototypes', () => {
    expect(skeleton('раssword')).toBe(skeleton('password'));
    expect(skeleton('Ρassword')).toBe(skeleton('Password'));
  });

  it('finds names that mix scripts, and none in names of one script', () => {
    for (const mixed of ['аlice', 'adαm', 'аdmin', 'jоhn.smith'])
      expect(isMixedScript(mixed), mixed).toBe(true);
    for (const single of [
      'alice',
      'alıce',
      'José',
      'Zoë',
      'dr.smith-2',
      'jo@example',
      '王小明',
      '山田たろう',
      'ヤマダ太郎',
      '김민준',
      'Алексей',
      'αλέξης',
      'محمد',
    ])
      expect(isMixedScript(single), single).toBe(false);
  });
});
