import type { Static } from 'typebox';
import type { ActivityEvent, ActivityPage } from './activity/activity-schemas.js';
import type { EventTypeGroups } from './activity/routes.js';
import type { PasswordPolicyResponse } from './me/password-routes.js';
import type { SettingsDocument } from './practice/security-settings.route.js';
import type { ErrorResponse, PublicUser, SessionInfo, SessionTimes } from './schemas.js';
import type { SecuritySummary, SessionItem } from './security-summary.js';
import type { StaffFilter } from '../domain/staff-filter.js';
import type { SecurityOverviewSchema } from './practice/security-overview.route.js';
import type { AppSchema, NewAppBody } from './oidc/apps.routes.js';
import type { AppSignInDetails } from './oidc/interaction.routes.js';
import type {
  NewStaffBody,
  StaffListItem,
  StaffMember,
  StaffUser,
  TemporaryPassword,
} from './staff/staff-routes.js';
import type { StaffSecuritySummary } from './staff/staff-security-routes.js';
import type {
  Passkey,
  RecoveryCodes,
  RememberedBrowser,
  SecondFactorOptions,
  TotpSetup,
  TwoFactorStatus,
} from './two-factor/two-factor-schemas.js';

/**
 * The API's request and response bodies as TypeScript types, derived from the route schemas
 * that validate and serialize them, for the web app (web/src/types.ts) to import type-only:
 * a field changed in a schema fails the web app's typecheck instead of its users.
 */
export type { ActivityEvent, ActivityPage, PublicUser as User, SecuritySummary, SessionItem };
export type EventParty = NonNullable<ActivityEvent['actor']>;
export type EventTypeGroup = Static<typeof EventTypeGroups>['groups'][number];
export type SessionTimes = Static<typeof SessionTimes>;
export type SessionInfo = Static<typeof SessionInfo>;
export type NextStage = { next: SessionInfo['stage'] };
export type Practice = PublicUser['practice'];
export type LastLogin = NonNullable<SecuritySummary['lastLogin']>;
export type PolicyViolation = NonNullable<Static<typeof ErrorResponse>['error']['violations']>[number];
export type PasswordPolicy = Static<typeof PasswordPolicyResponse>;
export type PasswordPolicySettings = PasswordPolicy['policy'];
export type PasswordRequirement = PasswordPolicy['requirements'][number];
export type SecuritySettings = SettingsDocument;
export type IpAllowListEntry = SettingsDocument['ipAllowList']['entries'][number];
export type StaffUser = Static<typeof StaffUser>;
export type StaffMember = Static<typeof StaffMember>;
export type ConnectedApp = Static<typeof AppSchema>;
export type NewConnectedApp = Static<typeof NewAppBody>;
export type AppSignInDetails = Static<typeof AppSignInDetails>;
export type NewStaffUser = Static<typeof NewStaffBody>;
export type TemporaryPassword = Static<typeof TemporaryPassword>;
export type StaffSecuritySummary = Static<typeof StaffSecuritySummary>;
export type TwoFactorStatus = Static<typeof TwoFactorStatus>;
export type TotpSetup = Static<typeof TotpSetup>;
export type RecoveryCodes = Static<typeof RecoveryCodes>;
export type SecondFactorOptions = Static<typeof SecondFactorOptions>;
export type RememberedBrowser = Static<typeof RememberedBrowser>;
export type Passkey = Static<typeof Passkey>;
export type StaffFilterName = StaffFilter;
export type StaffListItem = Static<typeof StaffListItem>;
export interface StaffList {
  items: StaffListItem[];
  timeZone: string;
}
/** GET /api/practice/security-overview; its counts are keyed by the staff list's filters. */
export type SecurityOverviewReport = Omit<Static<typeof SecurityOverviewSchema>, 'counts'> & {
  counts: Record<StaffFilter, number> & { active: number; twoFactorEnabled: number };
};
