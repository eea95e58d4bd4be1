import path from 'node:path';
import { configFromEnv, type Config } from '../config.js';
import { secretKeyId } from '../domain/secret-box.js';
import { openServices } from '../runtime.js';
import {
  generateNextKeyFile,
  PREVIOUS_SECRET_KEY_FILE,
  resolveSecretKeys,
  SECRET_KEY_FILE,
} from '../secret-key.js';
import {
  DEFAULT_ROTATION_BATCH,
  rotateTotpSecrets,
  type RotationReport,
} from '../services/operations/secret-rotation.js';
import { resealSigningKeys } from '../services/apps/oidc-signing-keys.js';
import type { Command, CommandIo } from './command.js';

/** Exit status when some secrets are still not under the current key (1 stays "the command failed"). */
const EXIT_INCOMPLETE = 3;
/** User ids listed when secrets cannot be opened; the count is always printed. */
const LISTED_IDS = 20;

export const keysRotateCommand: Command = {
  path: ['keys', 'rotate'],
  summary: 'Re-encrypt the secrets at rest under the current key (online)',
  usage: `gatehouse keys rotate [--batch-size N] [--json]
       gatehouse keys rotate --generate

Re-encrypts every TOTP secret that is not yet under GATEHOUSE_SECRET_KEY, reading old ones
with GATEHOUSE_PREVIOUS_SECRET_KEY, in batches of --batch-size (default ${DEFAULT_ROTATION_BATCH}), each
batch one transaction. Safe while servers run, safe to stop and run again; a second run finds
nothing to do. Prints counts and key ids (fingerprints), never a key or a secret. Exit status
0 when every secret is under the current key, 3 when some are not (no key opens them).

--generate (SQLite with the generated DATA_DIR/${SECRET_KEY_FILE}): moves the key to
DATA_DIR/${PREVIOUS_SECRET_KEY_FILE} and writes a new one; re-encrypts nothing yet. Then restart the
server, run "gatehouse keys rotate", and delete ${PREVIOUS_SECRET_KEY_FILE}.

The whole procedure, also for PostgreSQL and several instances: docs/keys-and-backup.md.`,
  options: { generate: { type: 'boolean' }, 'batch-size': { type: 'string' }, json: { type: 'boolean' } },
  async run(values, io) {
    const config = configFromEnv(io.env);
    if (values.generate) return generate(config, io);
    const batchSize = Number(values['batch-size'] ?? DEFAULT_ROTATION_BATCH);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      io.err('--batch-size must be a whole number of at least 1.\n');
      return 2;
    }
    const keys = resolveSecretKeys(config);
    const deps = await openServices(config);
    let report: RotationReport;
    let signing: Awaited<ReturnType<typeof resealSigningKeys>>;
    try {
      report = await rotateTotpSecrets(deps, {
        batchSize,
        onBatch: (done) => void (values.json || io.err(`  ${done} re-encrypted so far\n`)),
        keys,
      });
      signing = await resealSigningKeys(deps.store, keys);
    } finally {
      await deps.store.close();
    }
    const keyId = secretKeyId(keys[0]);
    if (values.json) {
      const { unreadableUserIds, ...counts } = report;
      const signingKeys = { resealed: signing.resealed, unreadable: signing.unreadableKids.length };
      io.out(`${JSON.stringify({ keyId, ...counts, unreadable: unreadableUserIds.length, signingKeys })}\n`);
    } else {
      io.out(describe(report, keyId, config, keys.length > 1));
      io.out(
        `OpenID Connect signing keys: ${signing.resealed} re-encrypted` +
          (signing.unreadableKids.length > 0
            ? `; ${signing.unreadableKids.length} open with none of the configured keys (${signing.unreadableKids.join(', ')}).\n`
            : '.\n'),
      );
    }
    return report.remaining === 0 && signing.unreadableKids.length === 0 ? 0 : EXIT_INCOMPLETE;
  },
};

function generate(config: Config, io: CommandIo): number {
  const { current, previous } = generateNextKeyFile(config);
  io.out(
    `New key ${secretKeyId(current)} written to ${path.join(config.dataDir, SECRET_KEY_FILE)}; the previous key ` +
      `${secretKeyId(previous)} is kept in ${path.join(config.dataDir, PREVIOUS_SECRET_KEY_FILE)}.\n` +
      'Next: restart the server (it then seals with the new key and still opens the old one), run ' +
      '"gatehouse keys rotate", then delete the previous key file.\n',
  );
  return 0;
}

function describe(report: RotationReport, keyId: string, config: Config, hasPrevious: boolean): string {
  const lines = [
    `Current key ${keyId}: re-encrypted ${report.reencrypted} TOTP secrets in this run; ` +
      `${report.current} use the current key, ${report.remaining} do not.`,
  ];
  const unreadable = report.unreadableUserIds;
  if (unreadable.length > 0) {
    lines.push(
      `${unreadable.length} secrets open with none of the configured keys (users: ${unreadable.slice(0, LISTED_IDS).join(', ')}` +
        `${unreadable.length > LISTED_IDS ? ', …' : ''}). Give the key they were made with as the previous key and ` +
        'run again, or remove those users’ two-factor authentication so they enrol again.',
    );
  }
  if (report.remaining > unreadable.length) {
    lines.push(
      'Some secrets were written during the run with an old key: is every instance restarted with the new key? ' +
        'Run "gatehouse keys rotate" again.',
    );
  }
  if (report.remaining === 0 && hasPrevious) {
    lines.push(
      config.previousSecretKey !== undefined
        ? 'Done. Remove GATEHOUSE_PREVIOUS_SECRET_KEY from every instance and restart them one by one.'
        : `Done. Delete ${path.join(config.dataDir, PREVIOUS_SECRET_KEY_FILE)} and restart the server.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
