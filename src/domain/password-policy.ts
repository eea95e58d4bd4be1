import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';
import { COMMON_PASSWORDS } from './common-passwords.js';
import { wordSkeleton } from './look-alike.js';
import { normalizePassword } from './password-text.js';
import type { PasswordPolicySettings } from './security-settings.js';

/**
 * The password policy engine (docs/requirements.md P1–P6), one list of rules used for every
 * password a person chooses: change, forgotten-password reset, forced change and admin-set.
 * The same list is the live checklist in the web app, so what the page promises is what the
 * server enforces.
 *
 * - Length in Unicode code points after NFKC (P2); at least the practice minimum (8..64,
 *   default 12), at most MAX_PASSWORD_LENGTH; no truncation, no case folding (P3).
 * - Strength: zxcvbn score >= MIN_STRENGTH_SCORE (3 of 0..4) with the common-password and
 *   English dictionaries, the context words given as user inputs.
 * - Blocklist: the 5000 most common passwords, compared case-insensitively, also with
 *   leading/trailing digits and symbols removed ("Password123!" is "password") (P4).
 * - Context words (P5): practice code and name, user name, first and last name, email local
 *   part; a password equal to one, or containing one of 4+ characters, is refused.
 * - Both compare look-alike skeletons too (src/domain/look-alike.ts), so a Cyrillic р or
 *   combining marks over each letter do not turn "password" or a user name into a new word.
 * - Optional composition classes and the longest run of one character (practice settings, P6).
 * - History (the last N passwords) needs the stored hashes, so the service checks it and
 *   reports it with the rule id `history`; it is listed here for the checklist.
 */
export const PASSWORD_RULES = [
  'min_length',
  'max_length',
  'common_password',
  'context',
  'strength',
  'uppercase',
  'lowercase',
  'digit',
  'symbol',
  'repeated_characters',
  'history',
] as const;

export type PasswordRule = (typeof PASSWORD_RULES)[number];

export function isPasswordRule(value: unknown): value is PasswordRule {
  return typeof value === 'string' && (PASSWORD_RULES as readonly string[]).includes(value);
}

export const MAX_PASSWORD_LENGTH = 256;
export const MIN_STRENGTH_SCORE = 3;
/** Context words shorter than this are refused only as the whole password, not inside it. */
export const MIN_CONTAINED_CONTEXT_LENGTH = 4;

/** Who the password is for: the words it must not be built on. */
export interface PasswordContext {
  readonly policy: PasswordPolicySettings;
  readonly contextWords: readonly string[];
}

/** One requirement as people read it, e.g. "At least 12 characters". */
export interface PasswordRequirement {
  readonly rule: PasswordRule;
  readonly text: string;
}

/** A broken rule, with a sentence saying what to do. */
export interface PasswordViolation {
  readonly rule: PasswordRule;
  readonly message: string;
}

/** The requirements that apply under a policy, in the order the checklist shows them. */
export function passwordRequirements(policy: PasswordPolicySettings): PasswordRequirement[] {
  const list: PasswordRequirement[] = [
    { rule: 'min_length', text: `At least ${policy.minLength} characters` },
    { rule: 'common_password', text: 'Not a commonly used password' },
    {
      rule: 'context',
      text: 'Does not contain your name, user name, email address, or the practice’s name or code',
    },
    { rule: 'strength', text: 'Hard to guess (strength “Good” or better)' },
  ];
  if (policy.requireUppercase) list.push({ rule: 'uppercase', text: 'At least one upper-case letter' });
  if (policy.requireLowercase) list.push({ rule: 'lowercase', text: 'At least one lower-case letter' });
  if (policy.requireDigit) list.push({ rule: 'digit', text: 'At least one number' });
  if (policy.requireSymbol)
    list.push({ rule: 'symbol', text: 'At least one symbol or space (such as ! # - or a space)' });
  if (policy.maxRepeatedChars !== null)
    list.push({
      rule: 'repeated_characters',
      text: `No character more than ${policy.maxRepeatedChars} times in a row`,
    });
  if (policy.historyCount > 0)
    list.push({
      rule: 'history',
      text:
        policy.historyCount === 1
          ? 'Not your current password'
          : `Not one of your last ${policy.historyCount} passwords`,
    });
  return list;
}

/** What an evaluation found: every violated rule, and the strength score for a meter. */
export interface PasswordEvaluation {
  readonly violations: readonly PasswordViolation[];
  /** zxcvbn score, 0 (too guessable) .. 4 (very unguessable). */
  readonly score: number;
}

/** Checks every rule except history; returns all violations, never only the first. */
export function evaluatePassword(password: string, context: PasswordContext): PasswordEvaluation {
  const { policy } = context;
  const text = normalizePassword(password);
  const length = [...text].length;
  const words = contextWords(context.contextWords);
  const violations: PasswordViolation[] = [];
  const add = (rule: PasswordRule, message: string) => violations.push({ rule, message });

  if (length < policy.minLength)
    add('min_length', `Use at least ${policy.minLength} characters; this password has ${length}.`);
  if (length > MAX_PASSWORD_LENGTH) add('max_length', `Use at most ${MAX_PASSWORD_LENGTH} characters.`);
  if (isCommonPassword(text))
    add(
      'common_password',
      'This is one of the most commonly used passwords. Choose something less predictable.',
    );
  if (usesContextWord(text, words))
    add(
      'context',
      'Do not use your name, user name, email address, or the practice’s name or code in your password.',
    );
  const strength = strengthOf(text, words);
  if (strength.score < MIN_STRENGTH_SCORE)
    add(
      'strength',
      `This password is too easy to guess.${strength.warning ? ` ${strength.warning}` : ''} Add more words or characters that do not follow a common pattern.`,
    );
  if (policy.requireUppercase && !/\p{Lu}/u.test(text))
    add('uppercase', 'Include at least one upper-case letter (A–Z).');
  if (policy.requireLowercase && !/\p{Ll}/u.test(text))
    add('lowercase', 'Include at least one lower-case letter (a–z).');
  if (policy.requireDigit && !/\p{Nd}/u.test(text)) add('digit', 'Include at least one number (0–9).');
  if (policy.requireSymbol && !/[^\p{L}\p{Nd}]/u.test(text))
    add('symbol', 'Include at least one symbol or space, such as ! # - or a space.');
  if (policy.maxRepeatedChars !== null && longestRun(text) > policy.maxRepeatedChars)
    add(
      'repeated_characters',
      `Do not repeat the same character more than ${policy.maxRepeatedChars} times in a row.`,
    );
  return { violations, score: strength.score };
}

/** The violation for reusing one of the last N passwords (found by the service). */
export function historyViolation(policy: PasswordPolicySettings): PasswordViolation {
  return {
    rule: 'history',
    message:
      policy.historyCount <= 1
        ? 'Choose a password different from your current one.'
        : `Choose a password you have not used recently: your last ${policy.historyCount} passwords cannot be used again.`,
  };
}

const COMMON = new Set(COMMON_PASSWORDS.map((word) => word.toLowerCase()));
const COMMON_SKELETONS = new Set(COMMON_PASSWORDS.map(wordSkeleton));

function isCommonPassword(text: string): boolean {
  const folded = text.toLowerCase();
  const core = folded.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  return [folded, core].some(
    (candidate) =>
      candidate.length > 0 && (COMMON.has(candidate) || COMMON_SKELETONS.has(wordSkeleton(candidate))),
  );
}

/** Each context value, and its parts split at anything not a letter or digit, lower-cased. */
function contextWords(values: readonly string[]): string[] {
  const words = new Set<string>();
  for (const value of values) {
    const folded = value.normalize('NFKC').toLowerCase().trim();
    if (folded) words.add(folded);
    for (const part of folded.split(/[^\p{L}\p{N}]+/u)) if (part) words.add(part);
  }
  return [...words];
}

function usesContextWord(text: string, words: readonly string[]): boolean {
  return containsWord(text, words) || containsWord(wordSkeleton(text), words.map(wordSkeleton));
}

function containsWord(text: string, words: readonly string[]): boolean {
  const folded = text.toLowerCase();
  const squeezed = folded.replace(/[^\p{L}\p{N}]+/gu, '');
  return words.some(
    (word) =>
      folded === word ||
      squeezed === word ||
      (word.length >= MIN_CONTAINED_CONTEXT_LENGTH && (folded.includes(word) || squeezed.includes(word))),
  );
}

function longestRun(text: string): number {
  const chars = [...text];
  let longest = chars.length > 0 ? 1 : 0;
  let run = 1;
  for (let i = 1; i < chars.length; i++) {
    run = chars[i] === chars[i - 1] ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  return longest;
}

let zxcvbn: ZxcvbnFactory | undefined;

function strengthOf(text: string, words: readonly string[]): { score: number; warning: string } {
  // Built on first use: loading the dictionaries takes a moment, and many processes never need them.
  zxcvbn ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...englishDictionary },
    graphs: adjacencyGraphs,
    translations,
    useLevenshteinDistance: true,
  });
  const result = zxcvbn.check(text, [...words]);
  return { score: result.score, warning: result.feedback.warning ?? '' };
}
