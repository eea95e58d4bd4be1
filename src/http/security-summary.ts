import { Type, type Static } from 'typebox';
import { describeBrowser } from '../domain/user-agent.js';
import type { SecurityOverview } from '../services/activity/security-overview.js';
import type { SessionSummary } from '../services/sessions/user-sessions.js';

/** Security & Activity as the API shows it (`GET /api/me/security`, docs/architecture.md "HTTP API"); times are ISO-8601 UTC. */
const Login = Type.Object({ at: Type.String(), ip: Type.String(), browser: Type.String() });

export const SecuritySummary = Type.Object({
  lastLogin: Type.Union([Login, Type.Null()]),
  previousLogin: Type.Union([Login, Type.Null()], {
    description: 'The sign-in before the last one: one’s own last login is this very sign-in',
  }),
  passwordChangedAt: Type.String(),
  twoFactor: Type.Object({
    enabled: Type.Boolean(),
    recoveryCodesRemaining: Type.Integer(),
    passkeys: Type.Integer(),
  }),
  activeSessions: Type.Integer(),
  /** The practice's time zone, in which people read these times. */
  timeZone: Type.String(),
});

export type SecuritySummary = Static<typeof SecuritySummary>;

function loginBody(login: SecurityOverview['lastLogin']): Static<typeof Login> | null {
  return (
    login && { at: new Date(login.at).toISOString(), ip: login.ip, browser: describeBrowser(login.userAgent) }
  );
}

export function toSecuritySummary(overview: SecurityOverview): SecuritySummary {
  return {
    lastLogin: loginBody(overview.lastLogin),
    previousLogin: loginBody(overview.previousLogin),
    passwordChangedAt: new Date(overview.passwordChangedAt).toISOString(),
    twoFactor: overview.twoFactor,
    activeSessions: overview.activeSessions,
    timeZone: overview.timeZone,
  };
}

/** One open session (`GET /api/me/sessions`): named by its public id, never by its secret key. */
export const SessionItem = Type.Object({
  id: Type.String(),
  current: Type.Boolean(),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  ip: Type.String(),
  browser: Type.String(),
});

export type SessionItem = Static<typeof SessionItem>;

export function toSessionItem(session: SessionSummary): SessionItem {
  return {
    id: session.publicId,
    current: session.current,
    createdAt: new Date(session.createdAt).toISOString(),
    lastSeenAt: new Date(session.lastSeenAt).toISOString(),
    ip: session.ip,
    browser: describeBrowser(session.userAgent),
  };
}

/** How many sessions an action ended. */
export const EndedSessions = Type.Object({ ended: Type.Integer() });

/** A session's public id in a path. */
export const SessionParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }) },
  { additionalProperties: false },
);
