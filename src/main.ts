import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromEnv } from './config.js';
import { checkpointKeysOf } from './domain/audit-checkpoint.js';
import { secretKeyId } from './domain/secret-box.js';
import { buildApp } from './http/app.js';
import { loggerOptions, openServices } from './runtime.js';
import { resolveSecretKeys } from './secret-key.js';
import { startAuditCheckpoints } from './services/activity/audit-checkpoints.js';
import { ensureFirstPractice, firstRunNotice } from './services/settings/bootstrap.js';
import { startExpiredRowsPurge } from './services/operations/expired-rows-purge.js';
import { startAdminAlertDigests } from './services/mail/admin-alerts.js';
import { createMailTransport, startMailDelivery } from './services/mail/mail-delivery.js';
import { startAppLogoutDelivery } from './services/apps/app-logout-delivery.js';

/** `npm start`: migrate, create the demo practice on first run, serve API and web app. */
const config = configFromEnv();
const deps = await openServices(config, resolveSecretKeys(config));
const [secretKey, ...previousSecretKeys] = deps.secretKeys;
const app = await buildApp({
  deps,
  publicUrl: config.publicUrl,
  trustProxy: config.trustProxy,
  logger: loggerOptions(config.logLevel),
  webRoot: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web'),
  metricsToken: config.metricsToken,
  allowedReturnOrigins: config.allowedReturnOrigins,
  sessionCookieDomain: config.sessionCookieDomain,
});

// Before listening, so that whoever sees the server ready also sees the first-run notice.
const created = await ensureFirstPractice(deps);
const mail = startMailDelivery(deps, {
  transport: createMailTransport({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, from: config.mailFrom }),
  logger: app.log,
});
// Each checkpoint also goes to the log at info, which log shipping keeps outside the database.
const checkpoints = startAuditCheckpoints(deps, { keys: checkpointKeysOf(deps.secretKeys), logger: app.log });
const purge = startExpiredRowsPurge(deps, { logger: app.log });
const appLogouts = app.appLogoutSender
  ? startAppLogoutDelivery(deps, { send: app.appLogoutSender, logger: app.log })
  : undefined;
const digests = startAdminAlertDigests(deps, { logger: app.log });
const address = await app.listen({ port: config.port, host: config.host });
const url = config.publicUrl?.origin ?? address.replace('[::1]', 'localhost');
if (created?.ok) process.stdout.write(`\n${firstRunNotice(created, url)}\n\n`);
app.log.info(`Gatehouse is serving ${url} (${deps.store.dialect})`);
// Key ids are fingerprints, never the keys: they show each instance's keys during a rotation.
const reading = previousSecretKeys.map(secretKeyId).join(', ');
app.log.info(
  `Secret key ${secretKeyId(secretKey)}${reading ? `; also reading previous key ${reading}` : ''}`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() =>
        Promise.all([mail.stop(), checkpoints.stop(), purge.stop(), appLogouts?.stop(), digests.stop()]),
      )
      .then(() => deps.store.close())
      .finally(() => process.exit(0));
  });
}
