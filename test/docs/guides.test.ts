import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOC_IMAGES_DIR, DOC_SCREENSHOTS } from './doc-screenshots.js';

/**
 * The guides show only screenshots the screenshot walk (test/e2e/docs-screenshots.test.ts)
 * still takes: every image in README.md and docs/*.md must be a shot listed in
 * doc-screenshots.ts with a committed PNG, and every listed shot must have one. No browser:
 * this runs with the unit tests.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const IMAGES = path.join(ROOT, DOC_IMAGES_DIR);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface ImageReference {
  readonly alt: string;
  readonly src: string;
}

/** Images in Markdown: `![alt](src "title")` and `<img src="…" alt="…">`. */
function imageReferences(markdown: string): ImageReference[] {
  const found: ImageReference[] = [];
  for (const match of markdown.matchAll(/!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    found.push({ alt: match[1] ?? '', src: match[2] ?? '' });
  }
  for (const match of markdown.matchAll(/<img\b[^>]*>/gi)) {
    const tag = match[0];
    found.push({
      alt: /\balt="([^"]*)"/i.exec(tag)?.[1] ?? '',
      src: /\bsrc="([^"]*)"/i.exec(tag)?.[1] ?? '',
    });
  }
  return found;
}

function guides(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join(ROOT, 'docs', file));
  return [path.join(ROOT, 'README.md'), ...docs];
}

const declared = new Set<string>(DOC_SCREENSHOTS.map((shot) => shot.name));

describe('imageReferences', () => {
  it('finds Markdown and HTML images, with or without a title', () => {
    const sample = [
      'Text ![Log In page](images/sign-in.png) more text.',
      '![Staff list](docs/images/staff-list.png "Staff")',
      '<img src="docs/images/user-menu.png" alt="User menu" width="300">',
      'A [link](docs/user-guide.md) is not an image.',
    ].join('\n');
    expect(imageReferences(sample)).toEqual([
      { alt: 'Log In page', src: 'images/sign-in.png' },
      { alt: 'Staff list', src: 'docs/images/staff-list.png' },
      { alt: 'User menu', src: 'docs/images/user-menu.png' },
    ]);
  });
});

describe('screenshots in the guides', () => {
  it('the user and admin guides show screenshots', () => {
    for (const guide of ['user-guide.md', 'admin-guide.md']) {
      const text = readFileSync(path.join(ROOT, 'docs', guide), 'utf8');
      expect(imageReferences(text).length, guide).toBeGreaterThan(5);
    }
  });

  it.each(guides().map((file) => [path.relative(ROOT, file), file]))(
    '%s shows only screenshots the walk takes, each committed, each with alt text',
    (_name, file) => {
      const problems: string[] = [];
      for (const { alt, src } of imageReferences(readFileSync(file, 'utf8'))) {
        if (/^https?:/.test(src)) continue;
        const resolved = path.resolve(path.dirname(file), src);
        const name = path.basename(resolved, '.png');
        if (path.dirname(resolved) !== IMAGES || !resolved.endsWith('.png'))
          problems.push(`${src}: screenshots belong in ${DOC_IMAGES_DIR}/ as .png`);
        else if (!declared.has(name))
          problems.push(`${src}: "${name}" is not a shot in test/docs/doc-screenshots.ts`);
        else if (!existsSync(resolved)) problems.push(`${src}: not committed; run npm run docs:screenshots`);
        if (alt.trim() === '') problems.push(`${src}: no alt text`);
      }
      expect(problems).toEqual([]);
    },
  );

  it('every listed shot has a committed PNG, and every committed PNG is a listed shot', () => {
    const names = DOC_SCREENSHOTS.map((shot) => shot.name);
    expect(new Set(names).size).toBe(names.length);
    const committed = readdirSync(IMAGES).filter((file) => file.endsWith('.png'));
    expect(committed.map((file) => file.replace(/\.png$/, '')).sort()).toEqual([...names].sort());
    for (const file of committed) {
      expect(readFileSync(path.join(IMAGES, file)).subarray(0, 8).equals(PNG_SIGNATURE), file).toBe(true);
    }
  });
});
