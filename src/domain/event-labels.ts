import type { EventType } from './audit-event.js';

/**
 * Event types as a person reads them in the activity log. Types that later features add
 * without a label here are shown by their dotted name.
 */
export const EVENT_LABELS: Partial<Record<EventType, string>> = {
  'login.succeeded': 'Logged in',
  'login.failed': 'Login failed',
  logout: 'Logged out',
  'session.expired': 'Session timed out',
  'session.revoked': 'Signed out by revocation',
  'two_factor.succeeded': 'Two-factor code accepted',
  'two_factor.failed': 'Two-factor code rejected',
  'two_factor.enrolled': 'Two-factor authentication turned on',
  'two_factor.disabled': 'Two-factor authentication turned off',
  'two_factor.removed_by_admin': 'Two-factor authentication removed by an administrator',
  'recovery_code.used': 'Recovery code used',
  'recovery_codes.regenerated': 'Recovery codes replaced',
  'password.changed': 'Password changed',
  'password.admin_reset': 'Password reset by an administrator',
  'password.reset_requested': 'Password reset requested',
  'password.reset_completed': 'Password reset completed',
  'password.temporary_used': 'Temporary password used',
  'practice_code.reminder_requested': 'Practice code reminder requested',
  'account.locked': 'Account locked',
  'account.unlocked': 'Account unlocked',
  'user.created': 'User created',
  'user.updated': 'User edited',
  'user.deactivated': 'User deactivated',
  'user.reactivated': 'User reactivated',
  'user.roles_changed': 'Roles changed',
  'practice.created': 'Practice created',
  'settings.changed': 'Security settings changed',
  'activity.viewed': 'Activity log viewed',
  'passkey.added': 'Passkey added',
  'passkey.removed': 'Passkey removed',
  'passkey.renamed': 'Passkey renamed',
  'remembered_browser.added': 'Browser remembered for two-factor',
  'remembered_browser.removed': 'Remembered browser forgotten',
  'user.access_restored': 'Access restored in an emergency',
  'app.signed_in': 'Signed in to a connected app',
  'app.created': 'Connected app added',
  'app.updated': 'Connected app edited',
  'app.secret_rotated': 'Connected app secret replaced',
  'app.deleted': 'Connected app removed',
};

export function eventLabel(type: string): string {
  return (EVENT_LABELS as Partial<Record<string, string>>)[type] ?? type;
}
