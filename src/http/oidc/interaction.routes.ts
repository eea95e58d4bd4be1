import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { Type } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import type { ServiceDeps } from '../../services/context.js';
import { FIRST_PARTY_METADATA, PRACTICE_METADATA } from '../../services/apps/oidc-clients.js';
import {
  appSignInOf,
  consentNeeded,
  findAppPractice,
  recordAppRefusal,
  recordAppSignIn,
  type AppSignIn,
} from '../../services/apps/oidc-sign-in.js';
import type { ValidSession } from '../../services/sessions/sessions.js';
import { OIDC_PREFIX, OIDC_SCOPES } from '../../oidc/provider.js';
import { sessionOf } from '../access.js';
import { requestOrigin } from '../request-origin.js';

/**
 * The provider's sign-in step, ours (src/oidc/provider.ts sends the browser to
 * /oidc/interaction/:uid). A Gatehouse session of the app's practice finishes it at once
 * (single sign-on) unless the app asked for a fresh sign-in, or the app is not first-party and
 * the user has not allowed it yet: then the web app's /authorize page asks (Allow / Deny). A
 * browser without a session goes to the sign-in page with the practice fixed, which comes back
 * here when the stages are done. A session of another practice never finishes it: /authorize
 * says why. The JSON routes beside it serve those two pages; the provider's interaction cookie
 * (its path is the interaction's) ties them to the browser that started the sign-in.
 */
export interface OidcInteractionRoutesOptions {
  readonly deps: ServiceDeps;
  readonly provider: Provider;
}

const INTERACTION = `${OIDC_PREFIX}/interaction/:uid`;
const Params = Type.Object({
  uid: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
});
const GONE =
  'This login has expired or was already finished. Go back to the app and log in again from there.';

export const AppSignInDetails = Type.Object({
  app: Type.Object({ name: Type.String(), clientId: Type.String(), firstParty: Type.Boolean() }),
  practice: Type.Object({ code: Type.String() }),
  scopes: Type.Array(Type.String()),
  /** 'other_practice': this browser's session belongs to another practice and can never finish here. */
  session: Type.Union([Type.Literal('none'), Type.Literal('this_practice'), Type.Literal('other_practice')]),
});

/** What the user lets the app have: the scopes the provider knows, in the order asked. */
function requestedScopes(details: { params: Record<string, unknown> }, known: ReadonlySet<string>): string[] {
  const asked = String(details.params.scope ?? 'openid').split(' ');
  return [...new Set(asked)].filter((scope) => known.has(scope));
}

export const oidcInteractionRoutes: FastifyPluginAsyncTypebox<OidcInteractionRoutesOptions> = async (
  app,
  { deps, provider },
) => {
  const knownScopes = new Set(OIDC_SCOPES);
  const scopesOf = (details: { params: Record<string, unknown> }) => requestedScopes(details, knownScopes);

  /** The interaction of this browser (its cookie) with its app and the app's practice. */
  async function load(uid: string, request: FastifyRequest, reply: FastifyReply) {
    const details = await provider.interactionDetails(request.raw, reply.raw).catch(() => undefined);
    if (!details || details.uid !== uid) throw new ApiError('not_found', GONE);
    const client = await provider.Client.find(String(details.params.client_id));
    const practice =
      client && (await findAppPractice(deps, { practiceId: String(client[PRACTICE_METADATA]) }));
    if (!client || !practice) throw new ApiError('not_found', 'This app is no longer registered.');
    return { details, client, practice, firstParty: client[FIRST_PARTY_METADATA] === true };
  }
  type Loaded = Awaited<ReturnType<typeof load>>;

  function signInFor(auth: ValidSession | null, { details, practice }: Loaded): AppSignIn | undefined {
    const reasons = details.prompt.reasons;
    const freshSince =
      reasons.includes('login_prompt') || reasons.includes('max_age') ? details.iat * 1000 : undefined;
    return appSignInOf(auth, practice.id, freshSince);
  }

  /** The user's grant for this app, when the provider's session holds one (of this user). */
  async function grantOf(loaded: Loaded, signIn: AppSignIn) {
    const grant = loaded.details.grantId ? await provider.Grant.find(loaded.details.grantId) : undefined;
    return grant?.accountId === signIn.accountId && grant.clientId === loaded.client.clientId
      ? grant
      : undefined;
  }

  /** Saves the grant with what the app asked for and gives the provider its answer; returns where the browser goes. */
  async function allow(request: FastifyRequest, reply: FastifyReply, loaded: Loaded, signIn: AppSignIn) {
    const grant =
      (await grantOf(loaded, signIn)) ??
      new provider.Grant({ accountId: signIn.accountId, clientId: loaded.client.clientId });
    grant.addOIDCScope(scopesOf(loaded.details).join(' '));
    const grantId = await grant.save();
    await recordAppSignIn(deps, {
      auth: sessionOf(request),
      origin: requestOrigin(request),
      app: { ...appOf(loaded), grantId },
    });
    return provider.interactionResult(request.raw, reply.raw, {
      login: { accountId: signIn.accountId, amr: [...signIn.amr], ts: signIn.authTime, remember: true },
      consent: { grantId },
    });
  }

  const appOf = ({ client }: Loaded) => ({
    name: client.clientName ?? client.clientId,
    clientId: client.clientId,
  });
  const authorizePage = (uid: string) => `/authorize?${new URLSearchParams({ interaction: uid }).toString()}`;

  app.get(
    INTERACTION,
    { config: { access: 'public', csrf: 'exempt' }, schema: { hide: true, params: Params } },
    async (request, reply) => {
      const loaded = await load(request.params.uid, request, reply).catch((error: unknown) => {
        if (error instanceof ApiError) return error;
        throw error;
      });
      if (loaded instanceof ApiError)
        return reply.status(400).send({ error: { code: 'invalid_request', message: loaded.message } });
      const { details, practice } = loaded;
      const auth = request.auth;
      if (auth?.session.stage === 'signed_in' && auth.practice.id !== practice.id)
        return reply.redirect(authorizePage(details.uid), 303);
      const signIn = signInFor(auth, loaded);
      if (!signIn) {
        const returnTo = `${OIDC_PREFIX}/interaction/${details.uid}`;
        const query = new URLSearchParams({ practice: practice.code, returnTo });
        // Signed in to this practice, yet no sign-in: the app asked for a fresh one (prompt=login,
        // max_age). The sign-in page then asks again instead of sending the browser straight back.
        if (auth?.session.stage === 'signed_in') {
          query.set('reauthenticate', '1');
          // That sign-in ends this browser's session and, with it, the provider's session this
          // request is bound to (migrations/0014-app-logouts.ts): unbound, the request waits on
          // the new sign-in alone instead of failing as "session not found".
          details.session = undefined;
          await details.save(details.exp - Math.floor(Date.now() / 1000));
        }
        return reply.redirect(`/login?${query.toString()}`, 303);
      }
      const granted = (await grantOf(loaded, signIn))?.getOIDCScope().split(' ') ?? [];
      const promptConsent = String(details.params.prompt ?? '')
        .split(' ')
        .includes('consent');
      if (consentNeeded(loaded.firstParty, scopesOf(details), granted, promptConsent))
        return reply.redirect(authorizePage(details.uid), 303);
      return reply.redirect(await allow(request, reply, loaded, signIn), 303);
    },
  );

  app.get(
    `${INTERACTION}/details`,
    {
      config: { access: 'public' },
      schema: { hide: true, params: Params, response: { 200: AppSignInDetails } },
    },
    async (request, reply) => {
      const loaded = await load(request.params.uid, request, reply);
      const auth = request.auth?.session.stage === 'signed_in' ? request.auth : null;
      return {
        app: { ...appOf(loaded), firstParty: loaded.firstParty },
        practice: { code: loaded.practice.code },
        scopes: scopesOf(loaded.details),
        session: !auth
          ? 'none'
          : auth.practice.id === loaded.practice.id
            ? 'this_practice'
            : 'other_practice',
      } as const;
    },
  );

  app.post(
    `${INTERACTION}/consent`,
    {
      schema: {
        hide: true,
        params: Params,
        body: Type.Object({ allow: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Type.Object({ redirectTo: Type.String() }) },
      },
    },
    async (request, reply) => {
      const loaded = await load(request.params.uid, request, reply);
      const auth = sessionOf(request);
      if (auth.practice.id !== loaded.practice.id)
        throw new ApiError('forbidden', otherPracticeMessage(appOf(loaded).name, loaded.practice.code));
      const signIn = signInFor(auth, loaded);
      if (!signIn) throw new ApiError('forbidden', 'Log in again to continue to this app.');
      if (request.body.allow) return { redirectTo: await allow(request, reply, loaded, signIn) };
      await recordAppRefusal(deps, { auth, origin: requestOrigin(request), app: appOf(loaded) });
      const redirectTo = await provider.interactionResult(request.raw, reply.raw, {
        error: 'access_denied',
        error_description: 'The user did not allow the app to sign in.',
      });
      return { redirectTo };
    },
  );
};

function otherPracticeMessage(app: string, practiceCode: string): string {
  return `${app} belongs to practice ${practiceCode}, and you are logged in to another practice. Log out, then log in with your ${practiceCode} account.`;
}
