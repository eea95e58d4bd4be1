import {
  changedSettings,
  settingsProblems,
  type SecuritySettings,
  type SettingChange,
} from '../../domain/security-settings.js';
import { findPracticeById, updatePracticeSettings } from '../../store/practice-store.js';
import type { User } from '../../store/user-store.js';
import { audit, detailText } from '../activity/audit.js';
import type { RequestOrigin, ServiceDeps } from '../context.js';
import { alertAdministrators, whoIs } from '../mail/admin-alerts.js';
import { requireTwoFactorGuard } from '../two-factor/two-factor-settings-guard.js';

/**
 * A practice's security settings: read, and replaced whole by a Practice Administrator.
 * The change and its `settings.changed` event commit together. The event names the changed
 * fields (`changed`) and gives each one's old and new value (`<field>.from`, `<field>.to`); the
 * settings hold no secret, so every value may be recorded.
 */
/** Longest text value (a time zone, the IP allow-list as JSON) kept in the event. */
const MAX_SETTING_TEXT = 500;
/** Longest summary of a change in the administrators' alert. */
const MAX_SUMMARY = 2000;

export type UpdateSettingsResult =
  | { readonly ok: true; readonly settings: SecuritySettings }
  | { readonly ok: false; readonly problems: readonly string[] };

/** A rule another feature hangs on a settings change; returns the problem, if any. */
type SettingsGuard = (
  deps: ServiceDeps,
  change: { readonly actor: User; readonly before: SecuritySettings; readonly after: SecuritySettings },
) => Promise<string | undefined>;

/**
 * Every such rule, applied to every change here, so no caller can leave one out: 2FA may be
 * required only by an administrator who has it.
 */
const SETTINGS_GUARDS: readonly SettingsGuard[] = [requireTwoFactorGuard];

export async function updateSecuritySettings(
  deps: ServiceDeps,
  {
    actor,
    settings,
    origin,
  }: { readonly actor: User; readonly settings: SecuritySettings; readonly origin: RequestOrigin },
): Promise<UpdateSettingsResult> {
  const problems = settingsProblems(settings);
  const practice = await findPracticeById(deps.store.db, actor.practiceId);
  if (!practice) throw new Error('the acting user has no practice');
  for (const guard of SETTINGS_GUARDS) {
    const problem = await guard(deps, { actor, before: practice.settings, after: settings });
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) return { ok: false, problems };

  const changed = changedSettings(practice.settings, settings);
  if (changed.length === 0) return { ok: true, settings };
  const at = deps.clock.now();
  await deps.store.transaction(async (trx) => {
    await updatePracticeSettings(trx, practice.id, settings);
    await alertAdministrators(trx, {
      kind: 'settings_changed',
      // The settings before the change decide how it is told: a switch to the digest is itself told at once.
      practice,
      actor,
      target: null,
      summary:
        `${whoIs(actor)} changed the practice’s security settings: ${changed.map(changeWords).join('; ')}.`.slice(
          0,
          MAX_SUMMARY,
        ),
      origin,
      at,
    });
    await audit(trx, {
      practiceId: practice.id,
      type: 'settings.changed',
      outcome: 'success',
      actor,
      origin,
      at,
      details: {
        changed: changed
          .map((change) => change.path)
          .join(', ')
          .slice(0, MAX_SETTING_TEXT),
        ...Object.fromEntries(
          changed.flatMap(({ path, from, to }) => [
            [`${path}.from`, settingDetail(from)],
            [`${path}.to`, settingDetail(to)],
          ]),
        ),
      },
    });
  });
  return { ok: true, settings };
}

/** "lockout.threshold from 10 to 5", each value cut short. */
function changeWords({ path, from, to }: SettingChange): string {
  const shown = (value: SettingChange['from']) => detailText(String(value ?? 'none'), 100);
  return `${path} from ${shown(from)} to ${shown(to)}`;
}

function settingDetail(value: SettingChange['from']): SettingChange['from'] {
  return typeof value === 'string' ? detailText(value, MAX_SETTING_TEXT) : value;
}
