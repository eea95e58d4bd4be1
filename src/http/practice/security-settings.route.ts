import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { ApiError } from '../../domain/errors.js';
import { SETTING_BOUNDS, type SecuritySettings } from '../../domain/security-settings.js';
import type { ServiceDeps } from '../../services/context.js';
import { updateSecuritySettings } from '../../services/settings/settings.js';
import { sessionOf } from '../access.js';
import { requestOrigin } from '../request-origin.js';
import { commonErrors, NO_CONTROL_CHARACTERS } from '../schemas.js';

const bounded = ([minimum, maximum]: readonly [number, number]) => Type.Integer({ minimum, maximum });
const strict = { additionalProperties: false } as const;

/** The settings document: GET returns it, PUT takes all of it back. */
export const SecuritySettingsSchema = Type.Object(
  {
    passwordPolicy: Type.Object(
      {
        minLength: bounded(SETTING_BOUNDS.minLength),
        requireUppercase: Type.Boolean(),
        requireLowercase: Type.Boolean(),
        requireDigit: Type.Boolean(),
        requireSymbol: Type.Boolean(),
        expiryDays: Type.Union([bounded(SETTING_BOUNDS.expiryDays), Type.Null()]),
        historyCount: bounded(SETTING_BOUNDS.historyCount),
        maxRepeatedChars: Type.Union([bounded(SETTING_BOUNDS.maxRepeatedChars), Type.Null()]),
      },
      strict,
    ),
    requireTwoFactor: Type.Boolean(),
    rememberBrowserDays: bounded(SETTING_BOUNDS.rememberBrowserDays),
    idleTimeoutMinutes: bounded(SETTING_BOUNDS.idleTimeoutMinutes),
    absoluteTimeoutHours: bounded(SETTING_BOUNDS.absoluteTimeoutHours),
    singleSession: Type.Boolean(),
    lockout: Type.Object(
      {
        threshold: bounded(SETTING_BOUNDS.lockoutThreshold),
        minutes: bounded(SETTING_BOUNDS.lockoutMinutes),
      },
      strict,
    ),
    ipAllowList: Type.Object(
      {
        enabled: Type.Boolean(),
        entries: Type.Array(
          Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100, pattern: NO_CONTROL_CHARACTERS }),
              cidr: Type.String({ minLength: 2, maxLength: 64, pattern: NO_CONTROL_CHARACTERS }),
            },
            strict,
          ),
          { maxItems: 200 },
        ),
      },
      strict,
    ),
    temporaryPasswordHours: bounded(SETTING_BOUNDS.temporaryPasswordHours),
    timeZone: Type.String({ minLength: 1, maxLength: 64, pattern: NO_CONTROL_CHARACTERS }),
    /** Optional in a PUT (older clients send the document without it): absent, it stays as it was. */
    adminAlerts: Type.Optional(Type.Union([Type.Literal('immediately'), Type.Literal('daily_digest')])),
  },
  strict,
);

export type SettingsDocument = Static<typeof SecuritySettingsSchema>;

/** The domain settings as the wire document (the schema and the domain type describe the same fields). */
function toDocument(settings: SecuritySettings): SettingsDocument {
  return {
    ...settings,
    ipAllowList: { ...settings.ipAllowList, entries: [...settings.ipAllowList.entries] },
  };
}

export const securitySettingsRoutes: FastifyPluginAsyncTypebox<{ readonly deps: ServiceDeps }> = async (
  app,
  { deps },
) => {
  const config = { roles: ['practice_admin'] } as const;
  app.get(
    '/api/practice/security-settings',
    {
      config,
      schema: {
        summary: 'The practice’s security settings',
        response: { 200: SecuritySettingsSchema, ...commonErrors },
      },
    },
    async (request) => toDocument(sessionOf(request).practice.settings),
  );

  app.put(
    '/api/practice/security-settings',
    {
      config,
      schema: {
        summary: 'Replace the practice’s security settings',
        body: SecuritySettingsSchema,
        response: { 200: SecuritySettingsSchema, ...commonErrors },
      },
    },
    async (request) => {
      const { user, practice } = sessionOf(request);
      const result = await updateSecuritySettings(deps, {
        actor: user,
        settings: { ...request.body, adminAlerts: request.body.adminAlerts ?? practice.settings.adminAlerts },
        origin: requestOrigin(request),
      });
      if (!result.ok) throw new ApiError('invalid_request', result.problems.join(' '));
      return toDocument(result.settings);
    },
  );
};
