import { describe, expect, it } from 'vitest';
import { describeBrowser } from './user-agent.js';

describe('describeBrowser', () => {
  it('reads common browsers as a person would', () => {
    expect(
      describeBrowser(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome 142 on Windows 10');
    expect(
      describeBrowser(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      ),
    ).toBe('Safari 17.5 on macOS');
    expect(describeBrowser('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe(
      'Firefox 128 on Linux',
    );
  });

  it('says so when it cannot tell', () => {
    expect(describeBrowser('')).toBe('Unknown browser');
    expect(describeBrowser('curl/8.0')).toMatch(/curl|Unknown browser/);
  });
});
