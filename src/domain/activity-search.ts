import { EVENT_TYPES, type EventType, type Outcome } from './audit-event.js';
import { EVENT_LABELS } from './event-labels.js';

/**
 * The activity log's search box, answered by the database over the whole log (not only the
 * page shown). Every word must be found in the event, each in any of: the user names, the IP
 * address, the browser's user agent, the stored details, the event's name (the types whose
 * name in event-labels.ts contains the word) or its outcome ("failed", "succeeded").
 */
export interface SearchWord {
  /** Lower case, as the database compares it (lower() of the column). */
  readonly text: string;
  /** The types whose name or code contains the word. */
  readonly types: readonly EventType[];
  /** The outcomes whose words contain it. */
  readonly outcomes: readonly Outcome[];
}

export const MAX_SEARCH_WORDS = 6;

/** Each outcome as the log shows it, with its code. */
const OUTCOME_WORDS: readonly [Outcome, string][] = [
  ['success', 'succeeded success'],
  ['failure', 'failed failure'],
];

/** The words of a search, or undefined when it has more than MAX_SEARCH_WORDS. */
export function searchWords(search: string): readonly SearchWord[] | undefined {
  const words = [...new Set(search.toLowerCase().split(/\s+/))].filter((word) => word !== '');
  if (words.length > MAX_SEARCH_WORDS) return undefined;
  return words.map((text) => {
    const types = EVENT_TYPES.filter(
      (type) => type.includes(text) || EVENT_LABELS[type].toLowerCase().includes(text),
    );
    const outcomes = OUTCOME_WORDS.filter(([, names]) => names.includes(text)).map(([outcome]) => outcome);
    return { text, types, outcomes };
  });
}

/** A LIKE pattern that finds the text anywhere, its wildcards escaped with a backslash. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
