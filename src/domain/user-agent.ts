import { UAParser } from 'ua-parser-js';

/**
 * A browser as a person reads it: "Chrome 142 on Windows 10", "Safari 17.5 on macOS".
 * Versions are cut to major(.minor for Safari, whose minor releases matter to people).
 */
export function describeBrowser(userAgent: string): string {
  if (!userAgent) return 'Unknown browser';
  const { browser, os } = new UAParser(userAgent).getResult();
  if (!browser.name) return 'Unknown browser';
  const version = browser.version ? shortVersion(browser.name, browser.version) : '';
  const name = version ? `${browser.name} ${version}` : browser.name;
  const system = os.name
    ? [os.name === 'Mac OS' ? 'macOS' : os.name, os.name === 'Mac OS' ? '' : (os.version ?? '')]
        .filter(Boolean)
        .join(' ')
    : '';
  return system ? `${name} on ${system}` : name;
}

function shortVersion(browserName: string, version: string): string {
  const parts = version.split('.');
  const keep = browserName.includes('Safari') ? 2 : 1;
  return parts.slice(0, keep).join('.');
}
