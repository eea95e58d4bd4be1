import { request } from './api.js';
import type { AppSignInDetails, ConnectedApp, NewConnectedApp } from './types.js';

const appPath = (id: string) => `/api/practice/apps/${encodeURIComponent(id)}`;
const interactionPath = (uid: string) => `/oidc/interaction/${encodeURIComponent(uid)}`;

/** Settings > Connected Apps (docs/architecture.md "Apps signing in") and an app's sign-in step. */
export const appsApi = {
  list: () => request<{ items: ConnectedApp[] }>('GET', '/api/practice/apps'),
  create: (app: NewConnectedApp) =>
    request<{ app: ConnectedApp; clientSecret?: string }>('POST', '/api/practice/apps', app),
  update: (id: string, change: { redirectUris: string[] }) =>
    request<ConnectedApp>('PATCH', appPath(id), change),
  rotateSecret: (id: string) => request<{ clientSecret: string }>('POST', `${appPath(id)}/secret`),
  remove: (id: string) => request<undefined>('DELETE', appPath(id)),
  signInDetails: (uid: string) => request<AppSignInDetails>('GET', `${interactionPath(uid)}/details`),
  consent: (uid: string, allow: boolean) =>
    request<{ redirectTo: string }>('POST', `${interactionPath(uid)}/consent`, { allow }),
};

/** The interaction an app's sign-in returns to (`/oidc/interaction/UID`), when `returnTo` is one. */
export function appInteractionOf(returnTo: string | null): string | undefined {
  return /^\/oidc\/interaction\/([A-Za-z0-9_-]{1,100})$/.exec(returnTo ?? '')?.[1];
}
