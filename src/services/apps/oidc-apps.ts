import { randomBytes, randomUUID } from 'node:crypto';
import { appUrlProblem, appUrlsProblem } from '../../domain/app-url.js';
import type { EventDetails } from '../../domain/audit-event.js';
import { generateToken, hashToken } from '../../domain/secret-token.js';
import {
  anyOidcApp,
  deleteOidcApp,
  findPracticeApp,
  insertOidcApp,
  listPracticeApps,
  setAppSecretHash,
  updateOidcApp,
  type OidcApp,
  type OidcAppChange,
} from '../../store/oidc-app-store.js';
import type { User } from '../../store/user-store.js';
import { audit, detailText } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';

/**
 * A practice's apps that sign in through Gatehouse (docs/architecture.md
 * "Apps signing in"): register, edit, rotate the secret, delete. Each change and its
 * `app.*` event commit together. Confidential apps get a client secret of 256 random bits,
 * returned once and stored as its SHA-256 only (R8); public apps (a browser or native app that
 * cannot keep a secret) get none and must use PKCE. Redirect URIs are kept exactly as given,
 * https or http on loopback (domain/app-url.ts).
 */
export const MAX_REDIRECT_URIS = 10;

export interface NewAppInput {
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
  readonly backchannelLogoutUri?: string | null;
  readonly confidential: boolean;
  readonly firstParty: boolean;
}

/** Who changes a practice's apps: an administrator (through the API) or the operator (CLI, actor null). */
export interface AppContext {
  readonly practiceId: string;
  readonly actor: User | null;
  readonly origin: RequestOrigin;
}

export type AppResult<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly problem: string };

export async function createApp(
  deps: ServiceDeps,
  input: AppContext & NewAppInput,
): Promise<AppResult<{ app: OidcApp; clientSecret: string | undefined }>> {
  const app: OidcApp = {
    id: randomUUID(),
    practiceId: input.practiceId,
    clientId: randomBytes(18).toString('base64url'),
    name: input.name.trim(),
    redirectUris: [...new Set(input.redirectUris)],
    postLogoutRedirectUris: [...new Set(input.postLogoutRedirectUris ?? [])],
    backchannelLogoutUri: input.backchannelLogoutUri ?? null,
    confidential: input.confidential,
    firstParty: input.firstParty,
    createdAt: deps.clock.now(),
  };
  const problem = appProblem(app);
  if (problem) return { ok: false, problem };
  const clientSecret = app.confidential ? generateToken() : undefined;
  await deps.store.transaction(async (trx) => {
    await insertOidcApp(trx, app, clientSecret === undefined ? null : hashToken(clientSecret), app.createdAt);
    await recordAppEvent(trx, input, 'app.created', app, app.createdAt, {
      confidential: app.confidential,
      firstParty: app.firstParty,
      redirectUris: detailText(app.redirectUris.join(' '), 500),
    });
  });
  return { ok: true, app, clientSecret };
}

export async function updateApp(
  deps: ServiceDeps,
  { practiceId, actor, origin, app, ...change }: AppContext & { readonly app: OidcApp } & OidcAppChange,
): Promise<AppResult<{ app: OidcApp }>> {
  const context = { practiceId, actor, origin };
  const next: OidcApp = {
    ...app,
    ...change,
    name: change.name?.trim() ?? app.name,
    redirectUris: change.redirectUris ? [...new Set(change.redirectUris)] : app.redirectUris,
    postLogoutRedirectUris: change.postLogoutRedirectUris
      ? [...new Set(change.postLogoutRedirectUris)]
      : app.postLogoutRedirectUris,
  };
  const problem = appProblem(next);
  if (problem) return { ok: false, problem };
  const changed = CHANGEABLE.filter((field) => JSON.stringify(next[field]) !== JSON.stringify(app[field]));
  if (changed.length === 0) return { ok: true, app };
  const at = deps.clock.now();
  await deps.store.transaction(async (trx) => {
    await updateOidcApp(trx, app.id, next, at);
    await recordAppEvent(trx, context, 'app.updated', next, at, { changed: changed.join(', ') });
  });
  return { ok: true, app: next };
}

const CHANGEABLE = [
  'name',
  'redirectUris',
  'postLogoutRedirectUris',
  'backchannelLogoutUri',
  'firstParty',
] as const satisfies readonly (keyof OidcAppChange)[];

/** A new client secret for a confidential app; the old one stops working at once. */
export async function rotateAppSecret(
  deps: ServiceDeps,
  { app, ...context }: AppContext & { readonly app: OidcApp },
): Promise<AppResult<{ clientSecret: string }>> {
  if (!app.confidential) return { ok: false, problem: 'A public app has no client secret to rotate.' };
  const clientSecret = generateToken();
  const at = deps.clock.now();
  await deps.store.transaction(async (trx) => {
    await setAppSecretHash(trx, app.id, hashToken(clientSecret), at);
    await recordAppEvent(trx, context, 'app.secret_rotated', app, at, {});
  });
  return { ok: true, clientSecret };
}

export async function deleteApp(
  deps: ServiceDeps,
  { app, ...context }: AppContext & { readonly app: OidcApp },
): Promise<void> {
  const at = deps.clock.now();
  await deps.store.transaction(async (trx) => {
    await deleteOidcApp(trx, app.id);
    await recordAppEvent(trx, context, 'app.deleted', app, at, {});
  });
}

export function listApps(
  deps: ServiceDeps,
  { practiceId }: { readonly practiceId: string },
): Promise<OidcApp[]> {
  return listPracticeApps(deps.store.db, practiceId);
}

/** The app of this practice with this id, or undefined (another practice's app included). */
export function findApp(
  deps: ServiceDeps,
  { practiceId, id }: { readonly practiceId: string; readonly id: string },
): Promise<OidcApp | undefined> {
  return findPracticeApp(deps.store.db, practiceId, id);
}

function recordAppEvent<T extends 'app.created' | 'app.updated' | 'app.secret_rotated' | 'app.deleted'>(
  trx: Parameters<typeof audit>[0],
  context: AppContext,
  type: T,
  app: OidcApp,
  at: number,
  details: Omit<EventDetails<T>, 'app' | 'clientId'>,
): Promise<void> {
  return audit(trx, {
    practiceId: context.practiceId,
    type,
    outcome: 'success',
    actor: context.actor,
    origin: context.origin,
    at,
    details: { app: detailText(app.name), clientId: app.clientId, ...details } as EventDetails<T>,
  });
}

function appProblem(app: OidcApp): string | undefined {
  if (app.name === '') return 'Give the app a name.';
  if (app.redirectUris.length === 0) return 'Give at least one redirect URI.';
  if (app.redirectUris.length > MAX_REDIRECT_URIS || app.postLogoutRedirectUris.length > MAX_REDIRECT_URIS)
    return `An app may have at most ${MAX_REDIRECT_URIS} redirect URIs of each kind.`;
  return (
    appUrlsProblem(app.redirectUris) ??
    appUrlsProblem(app.postLogoutRedirectUris) ??
    (app.backchannelLogoutUri === null ? undefined : appUrlProblem(app.backchannelLogoutUri))
  );
}

/** Whether any practice has registered an app: the provider then must run, which needs PUBLIC_URL. */
export function appsRegistered(deps: ServiceDeps): Promise<boolean> {
  return anyOidcApp(deps.store.db);
}
