import { changedSettings, settingsProblems, type SecuritySettings } from '../domain/security-settings.js';
import { findPracticeById, updatePracticeSettings } from '../store/practice-store.js';
import type { User } from '../store/user-store.js';
import { audit } from './audit.js';
import type { RequestOrigin, ServiceDeps } from './context.js';

/**
 * A practice's security settings: read, and replaced whole by a Practice Administrator.
 * The change and its `settings.changed` event (naming the changed fields) commit together.
 */
export type UpdateSettingsResult =
  | { readonly ok: true; readonly settings: SecuritySettings }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Extra rules other features hang on a settings change (e.g. 2FA required only if the admin has it). */
export type SettingsGuard = (
  deps: ServiceDeps,
  change: { readonly actor: User; readonly before: SecuritySettings; readonly after: SecuritySettings },
) => Promise<string | undefined>;

export async function updateSecuritySettings(
  deps: ServiceDeps,
  actor: User,
  settings: SecuritySettings,
  origin: RequestOrigin,
  guards: readonly SettingsGuard[] = [],
): Promise<UpdateSettingsResult> {
  const problems = settingsProblems(settings);
  const practice = await findPracticeById(deps.store.db, actor.practiceId);
  if (!practice) throw new Error('the acting user has no practice');
  for (const guard of guards) {
    const problem = await guard(deps, { actor, before: practice.settings, after: settings });
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) return { ok: false, problems };

  const changed = changedSettings(practice.settings, settings);
  if (changed.length === 0) return { ok: true, settings };
  await deps.store.transaction(async (trx) => {
    await updatePracticeSettings(trx, practice.id, settings);
    await audit(trx, {
      practiceId: practice.id,
      type: 'settings.changed',
      outcome: 'success',
      actor,
      origin,
      at: deps.clock.now(),
      details: { changed: changed.join(', ').slice(0, 500) },
    });
  });
  return { ok: true, settings };
}
