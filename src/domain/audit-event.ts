import { createHash } from 'node:crypto';
import type { AdminAlertKind } from './admin-alerts.js';

/**
 * Security events (docs/requirements.md L1). Every event of every flow is one of these
 * dotted names; later features add names here, never rename one.
 */
export const EVENT_TYPES = [
  'login.succeeded',
  'login.failed',
  'login.throttled',
  'logout',
  'session.expired',
  'session.revoked',
  'two_factor.succeeded',
  'two_factor.failed',
  'two_factor.enrolled',
  'two_factor.disabled',
  'two_factor.removed_by_admin',
  'recovery_code.used',
  'recovery_codes.regenerated',
  'password.changed',
  'password.admin_reset',
  'password.reset_requested',
  'password.reset_completed',
  'password.temporary_used',
  'practice_code.reminder_requested',
  'account.locked',
  'account.unlocked',
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.roles_changed',
  'practice.created',
  'settings.changed',
  'activity.viewed',
  'passkey.added',
  'passkey.removed',
  'passkey.renamed',
  'remembered_browser.added',
  'remembered_browser.removed',
  'user.access_restored',
  'app.signed_in',
  'app.created',
  'app.updated',
  'app.secret_rotated',
  'app.deleted',
  'app.signed_out',
  'notice.new_device',
  'notice.admin_alert',
  'notice.admin_digest',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

export const OUTCOMES = ['success', 'failure'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** One detail's value: details are flat, never nested. */
export type DetailValue = string | number | boolean | null;

/** The event records no details. */
type NoDetails = Readonly<Record<never, never>>;

/** A refused current-password prompt, recorded as the prompt's own event (services/passwords/current-password.ts). */
/** A connected app: its name (cut short) and its client id. */
interface AppDetails {
  readonly app: string;
  readonly clientId: string;
}

interface Refused {
  readonly reason: string;
}

/**
 * What each event type's `details` hold (never a secret: no password, code, token or session
 * id). Indexed by every EventType in services/activity/audit.ts, so a new type needs its entry here.
 */
export interface EventDetailsByType {
  'login.succeeded': NoDetails;
  'login.failed': {
    readonly reason: string;
    readonly practiceCode?: string;
    readonly username?: string;
    readonly ip?: string;
  };
  /** A rate limit's first refusal in its window, standing for every refusal of that window. */
  'login.throttled': {
    readonly per: string;
    readonly limit: number;
    readonly windowMinutes: number;
    readonly until: string;
    readonly practiceCode?: string | null;
    readonly username?: string | null;
  };
  logout: NoDetails;
  'session.expired': { readonly reason: 'idle_timeout' | 'absolute_timeout' };
  'session.revoked': { readonly reason: string; readonly sessions: number };
  'two_factor.succeeded': { readonly method: string };
  'two_factor.failed': { readonly reason: string };
  'two_factor.enrolled': { readonly method: 'totp' } | Refused;
  'two_factor.disabled': NoDetails | Refused;
  'two_factor.removed_by_admin': NoDetails;
  'recovery_code.used': { readonly remaining: number };
  'recovery_codes.regenerated': NoDetails | Refused;
  'password.changed': { readonly forced: boolean } | Refused;
  'password.admin_reset': { readonly by: 'practice_admin' | 'cli'; readonly expiresAt: string };
  'password.reset_requested':
    NoDetails | { readonly reason: string; readonly practiceCode: string; readonly username: string };
  'password.reset_completed': NoDetails;
  'password.temporary_used': NoDetails;
  'practice_code.reminder_requested':
    NoDetails | { readonly reason: 'unknown_email'; readonly email: string };
  'account.locked': {
    readonly failures: number;
    readonly lockNumber: number;
    readonly minutes: number;
    readonly until: string;
    readonly pendingSignInsEnded: number;
  };
  'account.unlocked': { readonly lockedUntil: string };
  'user.created': { readonly roles: string; readonly supervisor?: boolean };
  'user.updated': { readonly changed: string };
  'user.deactivated': NoDetails;
  'user.reactivated': NoDetails;
  'user.roles_changed': { readonly from: string; readonly to: string };
  'app.signed_in': AppDetails;
  'app.created': AppDetails & {
    readonly confidential: boolean;
    readonly firstParty: boolean;
    readonly redirectUris: string;
  };
  'app.updated': AppDetails & { readonly changed: string };
  'app.secret_rotated': AppDetails;
  'app.deleted': AppDetails;
  /** A back-channel logout delivered to the app (success) or given up on (failure), after this many tries. */
  'app.signed_out': AppDetails & { readonly attempts: number };
  'user.access_restored': {
    readonly by: 'cli';
    readonly reason: string;
    readonly twoFactorRemoved: boolean;
    readonly wasLocked: boolean;
    readonly expiresAt: string;
  };
  'practice.created': { readonly code: string; readonly name: string };
  /** The changed settings' paths, and each one's old and new value (`<path>.from`, `<path>.to`). */
  'settings.changed': { readonly changed: string } & Readonly<
    Record<`${string}.${'from' | 'to'}`, DetailValue>
  >;
  'activity.viewed': { readonly scope: string; readonly format: 'page' | 'csv' };
  'passkey.added': { readonly passkey: string } | Refused;
  'passkey.removed': { readonly passkey: string };
  'passkey.renamed': { readonly passkey: string; readonly from: string; readonly to: string };
  'remembered_browser.added': { readonly browser: string; readonly expiresAt: string };
  'remembered_browser.removed':
    | { readonly browser: string; readonly browsers: number }
    | { readonly reason: string; readonly browsers: number };
  /** The user was emailed "Was this you?" about a sign-in from a device not seen before. */
  'notice.new_device': { readonly browser: string };
  /** An administrator alert: emailed to `administrators` now, or kept for the daily digest. */
  'notice.admin_alert': {
    readonly alert: AdminAlertKind;
    readonly delivery: 'immediately' | 'digest';
    readonly administrators: number;
  };
  /** The practice's daily digest of `alerts` alerts, emailed to `administrators`. */
  'notice.admin_digest': { readonly day: string; readonly alerts: number; readonly administrators: number };
}

export type EventDetails<T extends EventType> = EventDetailsByType[T];

export interface EventParty {
  readonly id: string;
  readonly username: string;
}

/** What a flow says happened; the store adds position and hashes. */
export interface NewAuditEvent {
  readonly practiceId: string | null;
  readonly type: EventType;
  readonly outcome: Outcome;
  readonly actor: EventParty | null;
  readonly target: EventParty | null;
  readonly ip: string;
  readonly userAgent: string;
  /** Never secrets: no password, code, token or session id. */
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
  readonly at: number;
}

/** An event as stored, with its place in its practice's hash chain. */
export interface AuditEvent extends NewAuditEvent {
  readonly id: string;
  readonly chainId: string;
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** Events of unknown practices (a sign-in with a wrong practice code) share one chain. */
export const NO_PRACTICE_CHAIN = 'no-practice';

export const GENESIS_HASH = '0'.repeat(64);

export function chainIdOf(practiceId: string | null): string {
  return practiceId ?? NO_PRACTICE_CHAIN;
}

/**
 * The hash that links an event to its predecessor: SHA-256 over a JSON array of every
 * stored field in a fixed order, so any change to any field or to the order breaks it.
 */
export function eventHash(event: Omit<AuditEvent, 'hash'>): string {
  return hashOfText(hashedText(event), event.seq, event.prevHash);
}

/** eventHash of an event whose hashedText is already at hand. */
export function hashOfText(text: HashedText, seq: number, prevHash: string): string {
  const canonical =
    text.beforeSeq + JSON.stringify(seq) + text.afterSeq + JSON.stringify(prevHash) + text.end;
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The JSON text eventHash is taken over, cut where the seq and the previous hash go (the
 * previous hash quoted, as JSON writes a hex string), so that a database can claim the chain's
 * next position and hash the event in one statement (store/audit-store.ts).
 */
export interface HashedText {
  readonly beforeSeq: string;
  readonly afterSeq: string;
  readonly end: string;
}

export function hashedText(event: Omit<AuditEvent, 'seq' | 'prevHash' | 'hash'>): HashedText {
  const head = JSON.stringify([event.id, event.chainId]);
  const middle = JSON.stringify([
    event.practiceId,
    event.at,
    event.type,
    event.outcome,
    event.actor?.id ?? null,
    event.actor?.username ?? null,
    event.target?.id ?? null,
    event.target?.username ?? null,
    event.ip,
    event.userAgent,
    Object.entries(event.details).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
  return { beforeSeq: `${head.slice(0, -1)},`, afterSeq: `,${middle.slice(1, -1)},`, end: ']' };
}
