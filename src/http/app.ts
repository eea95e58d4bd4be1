import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { checkpointKeysOf } from '../domain/audit-checkpoint.js';
import { deriveCsrfKey } from '../domain/csrf-token.js';
import { trustsHop, type TrustedProxies } from '../domain/trusted-proxies.js';
import { createBackgroundWork, type BackgroundWork } from '../services/operations/background-work.js';
import type { TwoFactorDeps } from '../services/two-factor/two-factor-deps.js';
import { mailQueueState } from '../services/mail/mail-delivery.js';
import { recordThrottledSignIn } from '../services/sign-in/throttled-sign-ins.js';
import { RATE_LIMITS } from '../domain/rate-limits.js';
import { passwordAuthRoutes } from './auth/password-routes.js';
import { activityRoutes } from './activity/routes.js';
import { authRoutes } from './auth/routes.js';
import { authzRoutes } from './authz/routes.js';
import { cookiePolicy } from './cookies.js';
import { mePasswordRoutes } from './me/password-routes.js';
import { meRoutes } from './me/routes.js';
import { meSecurityRoutes } from './me/security-routes.js';
import { authenticate } from './plugins/authenticate.js';
import { csrf, ownOriginCheck } from './plugins/csrf.js';
import { clientErrorHandler, errorHandler, frameworkErrors } from './plugins/error-handler.js';
import { createMetrics } from './metrics.js';
import { metricsEndpoint } from './plugins/metrics.js';
import { deferredRequestLogger, requestIdOf, requestLog } from './plugins/request-log.js';
import { computerAccessRoutes } from './practice/computer-access.route.js';
import { securitySettingsRoutes } from './practice/security-settings.route.js';
import { rateLimit } from './plugins/rate-limit.js';
import { requestOrigin } from './request-origin.js';
import { securityHeaders } from './plugins/security-headers.js';
import { staffRoutes } from './staff/staff-routes.js';
import { webApp } from './plugins/web-app.js';
import { staffSecurityRoutes } from './staff/staff-security-routes.js';
import { unlockRoute } from './staff/unlock.route.js';
import { systemRoutes } from './system/routes.js';
import { securityOverviewRoute } from './practice/security-overview.route.js';
import { appsRoutes } from './oidc/apps.routes.js';
import { oidcInteractionRoutes } from './oidc/interaction.routes.js';
import { oidcProviderRoutes } from './oidc/provider.routes.js';
import { appLogoutSender, createOidcProvider } from '../oidc/provider.js';
import type { AppLogoutSender } from '../services/apps/app-logout-delivery.js';
import { appsRegistered } from '../services/apps/oidc-apps.js';
import { meTwoFactorRoutes } from './two-factor/me-two-factor.routes.js';
import { passkeyRoutes } from './two-factor/passkeys.routes.js';
import { rememberedBrowserRoutes } from './two-factor/remembered-browsers.routes.js';
import { twoFactorSignInRoutes } from './two-factor/sign-in-step.route.js';
import { staffTwoFactorRoutes } from './two-factor/staff-two-factor.route.js';

export interface AppOptions {
  /** Built by runtime.ts (serviceDeps, openServices), with the instance keys (src/secret-key.ts). */
  readonly deps: TwoFactorDeps;
  readonly publicUrl: URL | undefined;
  /** TRUST_PROXY: whose x-forwarded-* headers to believe (domain/trusted-proxies.ts). */
  readonly trustProxy: TrustedProxies;
  readonly logger: FastifyServerOptions['logger'];
  /** Folder of the built web app (dist/web). */
  readonly webRoot: string;
  /** Rate limits on (default); only tests that measure something else turn them off. */
  readonly rateLimiting?: boolean;
  /** METRICS_TOKEN: /metrics answers only this bearer token; absent, /metrics is off. */
  readonly metricsToken?: string | undefined;
  /** ALLOWED_RETURN_ORIGINS: where `/login?returnTo=` may go besides PUBLIC_URL's origin. */
  readonly allowedReturnOrigins?: readonly string[];
  /** SESSION_COOKIE_DOMAIN: the session cookie is shared with this domain's subdomains (http/cookies.ts). */
  readonly sessionCookieDomain?: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Work requests hand off (services/operations/background-work.ts); drained when the app closes. */
    readonly backgroundWork: BackgroundWork;
    /** Sends apps their back-channel logouts (services/apps/app-logout-delivery.ts); none without PUBLIC_URL. */
    readonly appLogoutSender: AppLogoutSender | undefined;
  }
}

/** Request bodies larger than this are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the app without listening, so tests and the server start it the same way. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const https = options.publicUrl?.protocol === 'https:';
  const cookies = cookiePolicy(https, options.sessionCookieDomain);
  const [secretKey, ...previousSecretKeys] = options.deps.secretKeys;
  const app = Fastify({
    logger: options.logger,
    // Always a function: Fastify's own `true` believes every hop, and its hop count none.
    trustProxy: options.trustProxy === false ? false : trustsHop(options.trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    // One log line per request (see plugins/request-log.ts) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // A proxy's x-request-id is kept only when it is a short safe token (plugins/request-log.ts).
    genReqId: requestIdOf,
    childLoggerFactory: deferredRequestLogger,
    frameworkErrors,
    clientErrorHandler,
    // Closing (SIGTERM, a rolling restart) drains: a request that was arriving as close began is
    // served rather than answered 503, and Node ends its connection after the answer, since the
    // server no longer listens, so a proxy sends nothing more to this instance on it.
    return503OnClosing: false,
    ajv: {
      // Strict: wrong types are errors, never coerced; unknown fields are refused, never dropped.
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const backgroundWork = createBackgroundWork(app.log);
  app.decorate('backgroundWork', backgroundWork);
  app.addHook('onClose', () => backgroundWork.drain());

  await app.register(errorHandler);
  await app.register(requestLog);
  const metrics = createMetrics(options.deps.store, () => mailQueueState(options.deps));
  await app.register(metricsEndpoint, { metrics, token: options.metricsToken });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Gatehouse API', version: '1' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: cookies.sessionName },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
  });
  await app.register(securityHeaders, { https });
  await app.register(cookie);
  await app.register(csrf, {
    cookies,
    keys: [deriveCsrfKey(secretKey), ...previousSecretKeys.map(deriveCsrfKey)],
    isOwnOrigin: ownOriginCheck(options.publicUrl),
  });
  await app.register(authenticate, { deps: options.deps, cookies });
  await app.register(rateLimit, {
    deps: options.deps,
    enabled: options.rateLimiting ?? true,
    onLimited: metrics.rateLimitHit,
    onFirstRefusal: ({ policy, rule, windowEnd, request }) => {
      if (policy.name !== RATE_LIMITS.login.name) return Promise.resolve();
      const body = (request.body ?? {}) as { practiceCode?: unknown; username?: unknown };
      const typed = (value: unknown) => (typeof value === 'string' ? value : undefined);
      return recordThrottledSignIn(options.deps, {
        practiceCode: typed(body.practiceCode),
        username: typed(body.username),
        rule,
        windowEnd,
        origin: requestOrigin(request),
      });
    },
  });

  await app.register(systemRoutes, { store: options.deps.store });
  await app.register(authRoutes, { deps: options.deps, cookies });
  await app.register(meRoutes);
  await app.register(passwordAuthRoutes, {
    deps: options.deps,
    publicUrl: options.publicUrl,
    backgroundWork,
    cookies,
  });
  await app.register(mePasswordRoutes, { deps: options.deps });
  await app.register(staffRoutes, { deps: options.deps });
  await app.register(meSecurityRoutes, { deps: options.deps });
  await app.register(staffSecurityRoutes, { deps: options.deps });
  const { secretKeys } = options.deps;
  await app.register(activityRoutes, { deps: options.deps, checkpointKeys: checkpointKeysOf(secretKeys) });
  await app.register(unlockRoute, { deps: options.deps });
  await app.register(securitySettingsRoutes, { deps: options.deps });
  await app.register(securityOverviewRoute, { deps: options.deps });
  await app.register(computerAccessRoutes);
  await app.register(meTwoFactorRoutes, { deps: options.deps, cookies });
  await app.register(twoFactorSignInRoutes, { deps: options.deps, cookies });
  await app.register(rememberedBrowserRoutes, { deps: options.deps });
  await app.register(staffTwoFactorRoutes, { deps: options.deps });
  await app.register(passkeyRoutes, { deps: options.deps, cookies, publicUrl: options.publicUrl });
  await app.register(authzRoutes, {
    ownOrigin: options.publicUrl?.origin,
    allowedOrigins: options.allowedReturnOrigins ?? [],
  });
  await app.register(appsRoutes, { deps: options.deps });
  let logoutSender: AppLogoutSender | undefined;
  if (options.publicUrl) {
    const provider = await createOidcProvider({
      deps: options.deps,
      publicUrl: options.publicUrl,
      secretKeys,
      trustProxy: options.trustProxy !== false,
    });
    await app.register(oidcProviderRoutes, { provider });
    await app.register(oidcInteractionRoutes, { deps: options.deps, provider });
    logoutSender = appLogoutSender(provider);
  } else if (await appsRegistered(options.deps)) {
    throw new Error(
      'Apps are registered to sign in through Gatehouse (OpenID Connect), which needs PUBLIC_URL: set it to the address users reach Gatehouse at (https://…).',
    );
  }
  app.decorate('appLogoutSender', logoutSender);
  await app.register(webApp, { root: options.webRoot });
  return app;
}
