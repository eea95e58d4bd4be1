/**
 * The API's request and response types and the domain's closed sets, imported type-only from
 * the server's source (`@server` is src/, see web/tsconfig.json and web/vite.config.ts): the
 * web app never re-declares them, and no server code reaches the bundle.
 */
export type { SessionStage as Stage } from '@server/domain/session-stage.js';
export type { Role } from '@server/domain/roles.js';
export type {
  ActivityEvent,
  ActivityPage,
  EventParty,
  EventTypeGroup,
  IpAllowListEntry,
  LastLogin,
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
  StaffSecuritySummary,
  StaffUser,
  TemporaryPassword,
  TotpSetup,
  TwoFactorStatus,
  User,
} from '@server/http/api-types.js';

/** An app that signs in through Gatehouse (Settings > Connected Apps). */
export interface ConnectedApp {
  id: string;
  clientId: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  confidential: boolean;
  firstParty: boolean;
  createdAt: string;
}

export interface NewConnectedApp {
  name: string;
  redirectUris: string[];
  confidential: boolean;
  firstParty: boolean;
}

/** An app's sign-in in progress (/oidc/interaction/:uid/details). */
export interface AppSignInDetails {
  app: { name: string; clientId: string; firstParty: boolean };
  practice: { code: string };
  scopes: string[];
  session: 'none' | 'this_practice' | 'other_practice';
}
