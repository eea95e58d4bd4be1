/**
 * The API's request and response types and the domain's closed sets, imported type-only from
 * the server's source (`@server` is src/, see web/tsconfig.json and web/vite.config.ts): the
 * web app never re-declares them, and no server code reaches the bundle.
 */
export type { SessionStage as Stage } from '@server/domain/session-stage.js';
export type { Role } from '@server/domain/roles.js';
export type {
  ActivityEvent,
  AppSignInDetails,
  ConnectedApp,
  ActivityPage,
  EventParty,
  EventTypeGroup,
  IpAllowListEntry,
  LastLogin,
  NewConnectedApp,
  NewStaffUser,
  NextStage,
  PasswordPolicy,
  PasswordPolicySettings,
  Passkey,
  PasswordRequirement,
  PolicyViolation,
  Practice,
  RecoveryCodes,
  RememberedBrowser,
  SecondFactorOptions,
  SecuritySettings,
  SecuritySummary,
  SessionInfo,
  SessionItem,
  SecurityOverviewReport,
  SessionTimes,
  StaffFilterName,
  StaffList,
  StaffListItem,
  StaffMember,
  StaffSecuritySummary,
  StaffUser,
  TemporaryPassword,
  TotpSetup,
  TwoFactorStatus,
  User,
} from '@server/http/api-types.js';
