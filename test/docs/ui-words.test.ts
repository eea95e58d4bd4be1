import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The web app's words, as the product's help article writes them: it says "log in", and names
 * buttons and sections in Title Case ("Change Your Password", "Security & Activity"). The
 * guides (docs/user-guide.md, docs/admin-guide.md) and the emails use the same words.
 *
 * 1. **Log in**, never "sign in": "Log In", "log in", "logged in", "Log Out", "logged out", and
 *    "login" for the noun ("Last Login", "your next login"). Not "sign in", "sign-in", "signed
 *    in", "signing in", "sign out", "sign-out", "signed out", "sign me out", nor "log-in" or
 *    "log-out" with a hyphen.
 * 2. **Title Case** for page titles (`usePageTitle`), headings (`<h1>`–`<h4>`, the `title` of
 *    `AuthLayout` and `ModalDialog`) and the words on buttons; sentences (intros, hints,
 *    notices, errors) are sentence case.
 * 3. **One checkbox style**: every checkbox is an `<input type="checkbox">` inside a
 *    `<label className="checkbox">` (web/src/styles/forms.css).
 *
 * What is checked is what a person can read: the text of JSX and every string or template
 * literal in web/src, read with the TypeScript parser, so comments, identifiers (`signOut`,
 * `never_signed_in`), import paths and API paths (a literal starting with "/", such as
 * `/sign-out`) are not words on screen and may keep the old spelling.
 */
const WEB_SRC = fileURLToPath(new URL('../../web/src/', import.meta.url));

/** The other spelling, in any case: rule 1. */
const NOT_OUR_WORDS = /\bsign(?:ed|ing)?[ -](?:in|out)\b|\bsign me out\b|\blog-(?:in|out)\b/i;

/** Words a Title Case phrase keeps in lower case unless they come first. */
const SMALL_WORDS = new Set([
  'a',
  'an',
  'the',
  'and',
  'but',
  'or',
  'nor',
  'for',
  'to',
  'of',
  'in',
  'on',
  'at',
  'by',
  'with',
  'from',
  'as',
  'per',
  'via',
]);

interface Text {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TSX,
  );
}

function at(source: ts.SourceFile, node: ts.Node, text: string): Text {
  const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  return { file: path.relative(WEB_SRC, source.fileName), line, text };
}

/** Every piece of JSX text and string or template literal, except module specifiers. */
function readableTexts(source: ts.SourceFile): Text[] {
  const texts: Text[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined)
      return;
    if (ts.isJsxText(node)) texts.push(at(source, node, node.text));
    else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
      texts.push(at(source, node, node.text));
    else if (ts.isTemplateExpression(node)) {
      texts.push(at(source, node, node.head.text));
      for (const span of node.templateSpans) texts.push(at(source, span, span.literal.text));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return texts.filter((text) => !text.text.startsWith('/'));
}

/** The literal words of a JSX element's children, with `{…}` expressions left out. */
function childText(element: ts.JsxElement): string {
  return element.children
    .filter(ts.isJsxText)
    .map((child) => child.text)
    .join(' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function tagName(node: ts.JsxOpeningLikeElement): string {
  return node.tagName.getText();
}

function stringValue(node: ts.Expression | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' X ');
  if (ts.isConditionalExpression(node))
    return [stringValue(node.whenTrue), stringValue(node.whenFalse)].filter(Boolean).join(' | ');
  if (ts.isJsxExpression(node)) return stringValue(node.expression);
  return undefined;
}

/** Page titles, headings and button words: rule 2. */
function titleTexts(source: ts.SourceFile): Text[] {
  const texts: Text[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isJsxElement(node)) {
      const tag = tagName(node.openingElement);
      if (/^(h[1-4]|button)$/.test(tag)) {
        const words = childText(node);
        if (words !== '') texts.push(at(source, node, words));
      }
    }
    if (ts.isJsxOpeningElement(node) || ts.isJsxSelfClosingElement(node)) {
      if (['AuthLayout', 'ModalDialog'].includes(tagName(node))) {
        for (const attribute of node.attributes.properties) {
          if (!ts.isJsxAttribute(attribute) || attribute.name.getText() !== 'title') continue;
          const value = attribute.initializer && stringValue(attribute.initializer as ts.Expression);
          if (value) for (const part of value.split(' | ')) texts.push(at(source, attribute, part));
        }
      }
    }
    if (ts.isCallExpression(node) && node.expression.getText() === 'usePageTitle') {
      const value = stringValue(node.arguments[0]);
      if (value) for (const part of value.split(' | ')) texts.push(at(source, node, part));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return texts;
}

/** Each word capitalised, but for the small words after the first; `X` stands for a `${…}`. */
export function isTitleCase(phrase: string): boolean {
  const words = phrase.split(/\s+/).filter((word) => /[a-z]/i.test(word));
  return words.every((word, index) => {
    const bare = word.replace(/^[^a-z0-9]+|[^a-z0-9]+$/gi, '');
    if (index > 0 && SMALL_WORDS.has(bare)) return true;
    return bare.split('-').every((part) => part === '' || !/^[a-z]/.test(part));
  });
}

const sources = sourceFiles(WEB_SRC).map(parse);

describe('the web app’s words', () => {
  it('say log in, never sign in', () => {
    const found = sources
      .flatMap(readableTexts)
      .filter(({ text }) => NOT_OUR_WORDS.test(text))
      .map(({ file, line, text }) => `${file}:${line}: ${text.trim()}`);
    expect(found).toEqual([]);
  });

  it('write page titles, headings and buttons in Title Case', () => {
    const texts = sources.flatMap(titleTexts);
    // The scan finds what it should (a broken scan would pass by finding nothing).
    expect(texts.map(({ text }) => text)).toEqual(
      expect.arrayContaining(['Log In', 'Set Up Two-Factor Authentication', 'Security & Activity']),
    );
    const wrong = texts
      .filter(({ text }) => !isTitleCase(text))
      .map(({ file, line, text }) => `${file}:${line}: ${text}`);
    expect(wrong).toEqual([]);
  });

  it('tell Title Case from sentence case', () => {
    expect(isTitleCase('Turn On Two-Factor Authentication')).toBe(true);
    expect(isTitleCase('Log In to X')).toBe(true);
    expect(isTitleCase('Forgot Your Password?')).toBe(true);
    expect(isTitleCase('Set up two-factor authentication')).toBe(false);
    expect(isTitleCase('Two-factor coverage')).toBe(false);
    expect(isTitleCase('Log out')).toBe(false);
  });

  it('use one checkbox style', () => {
    const loose: string[] = [];
    let checkboxes = 0;
    for (const source of sources) {
      const visit = (node: ts.Node): void => {
        if (ts.isJsxSelfClosingElement(node) && tagName(node) === 'input') {
          const type = node.attributes.properties.find(
            (attribute) => ts.isJsxAttribute(attribute) && attribute.name.getText() === 'type',
          );
          if (type && ts.isJsxAttribute(type) && type.initializer?.getText() === '"checkbox"') {
            checkboxes++;
            const label = node.parent;
            const className =
              ts.isJsxElement(label) && tagName(label.openingElement) === 'label'
                ? label.openingElement.attributes.properties.find(
                    (attribute) => ts.isJsxAttribute(attribute) && attribute.name.getText() === 'className',
                  )
                : undefined;
            const classes =
              className && ts.isJsxAttribute(className)
                ? (stringValue(className.initializer as ts.Expression) ?? '')
                : '';
            if (!classes.split(/\s+/).includes('checkbox')) loose.push(at(source, node, '').file);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(checkboxes).toBeGreaterThan(5);
    expect(loose).toEqual([]);
  });
});
