import { configFromEnv } from '../config.js';
import { openServices } from '../runtime.js';
import { createApp } from '../services/apps/oidc-apps.js';
import { findPracticeByCode } from '../store/practice-store.js';
import type { Command } from './command.js';

/** Settings > Connected Apps > Add, from a terminal (actor = cli): for scripted installs. */
export const appCreateCommand: Command = {
  path: ['app', 'create'],
  summary: 'Register an app that signs in through Gatehouse (OpenID Connect)',
  usage: `gatehouse app create --practice CODE --name NAME --redirect-uri URI [--public] [--first-party] [--json]

Registers a confidential app (prints its client secret once) or, with --public, a public app
(no secret; it must use PKCE). --first-party skips the consent screen. The redirect URI is
matched exactly; it must be https, or http on 127.0.0.1, [::1] or localhost. More redirect
URIs can be added on the Connected Apps page.
  --json   print {"app":{"id","clientId","name",…},"clientSecret"?}`,
  options: {
    practice: { type: 'string' },
    name: { type: 'string' },
    'redirect-uri': { type: 'string' },
    public: { type: 'boolean' },
    'first-party': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(values, io) {
    const { practice: code, name, 'redirect-uri': redirectUri } = values;
    if (typeof code !== 'string' || typeof name !== 'string' || typeof redirectUri !== 'string') {
      io.err('Missing --practice, --name or --redirect-uri. See gatehouse app create --help.\n');
      return 2;
    }
    const deps = await openServices(configFromEnv(io.env));
    try {
      const practice = await findPracticeByCode(deps.store.db, code);
      if (!practice) {
        io.err(`No practice "${code}".\n`);
        return 1;
      }
      const result = await createApp(deps, {
        name,
        redirectUris: [redirectUri],
        confidential: !values.public,
        firstParty: !!values['first-party'],
        practiceId: practice.id,
        actor: null,
        origin: { ip: '127.0.0.1', userAgent: 'gatehouse cli' },
      });
      if (!result.ok) {
        io.err(`${result.problem}\n`);
        return 1;
      }
      const { app, clientSecret } = result;
      if (values.json) {
        const json = {
          app: { ...app, createdAt: new Date(app.createdAt).toISOString(), practiceId: undefined },
          ...(clientSecret === undefined ? {} : { clientSecret }),
        };
        io.out(`${JSON.stringify(json)}\n`);
      } else {
        io.out(
          `Registered app "${app.name}" in practice ${practice.code}.\nClient id: ${app.clientId}\n` +
            (clientSecret === undefined
              ? 'Public app: no client secret; it must use PKCE (S256).\n'
              : `Client secret (shown once, store it in the app now): ${clientSecret}\n`),
        );
      }
      return 0;
    } finally {
      await deps.store.close();
    }
  },
};
