import { Type, type Static } from 'typebox';
import { ROLES } from '../domain/roles.js';
import { SESSION_STAGES } from '../domain/session-stage.js';
import type { Practice } from '../store/practice-store.js';
import type { User } from '../store/user-store.js';

/** Schemas shared by several route groups; each group keeps its own request schemas beside it. */
export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    violations: Type.Optional(Type.Array(Type.Object({ rule: Type.String(), message: Type.String() }))),
    /** account_locked only: when the lock ends (ISO 8601). */
    lockedUntil: Type.Optional(Type.String()),
  }),
});

export const Stage = Type.Enum(SESSION_STAGES);

export const RoleSchema = Type.Enum(ROLES);

/** A user as the API shows it: never a hash, never a secret. */
export const PublicUser = Type.Object({
  id: Type.String(),
  username: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  email: Type.String(),
  roles: Type.Array(RoleSchema),
  supervisor: Type.Boolean(),
  status: Type.Union([Type.Literal('active'), Type.Literal('deactivated')]),
  practice: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }),
});

export type PublicUser = Static<typeof PublicUser>;

export function toPublicUser(user: User, practice: Practice): PublicUser {
  return {
    id: user.id,
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    roles: [...user.roles],
    supervisor: user.supervisor,
    status: user.status,
    practice: { id: practice.id, code: practice.code, name: practice.name },
  };
}

/** When the caller's session ends, so the web app can warn before an idle logoff. */
export const SessionTimes = Type.Object({
  idleTimeoutMinutes: Type.Integer(),
  idleExpiresAt: Type.String(),
  absoluteExpiresAt: Type.String(),
});

/** GET /api/auth/session: where the caller stands in signing in. */
export const SessionInfo = Type.Object({
  stage: Stage,
  user: Type.Union([PublicUser, Type.Null()]),
  // Present once signed in: when it ends unless used again, and at the latest.
  ...Type.Partial(SessionTimes).properties,
});

/** Names people type (practice code, user name): no control characters, which no name needs. */
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f]*$';

/** `:id` path parameters. Ids are UUIDs; the pattern keeps bytes such as NUL, which PostgreSQL refuses, from any query. */
export const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);

/** Bounds on free-text inputs: generous for people, tight enough that no body strains the server. */
export const LIMITS = {
  practiceCode: 64,
  username: 128,
  password: 1024,
} as const;

/** Standard error answers every route may give, for the OpenAPI document. */
export const commonErrors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  413: ErrorResponse,
  415: ErrorResponse,
  429: ErrorResponse,
  503: ErrorResponse,
} as const;
