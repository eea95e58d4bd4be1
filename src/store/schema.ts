import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Tables as both dialects see them. Times are integer milliseconds since the epoch (UTC),
 * booleans are 0/1 integers and JSON is text, so one migration set serves SQLite and PostgreSQL.
 */
export interface Database {
  practices: PracticeTable;
  users: UserTable;
  sessions: SessionTable;
  audit_events: AuditEventTable;
  audit_chains: AuditChainTable;
  audit_pending_events: AuditPendingEventTable;
  audit_checkpoints: AuditCheckpointTable;
  mail_outbox: MailOutboxTable;
  password_history: PasswordHistoryTable;
  password_reset_tokens: PasswordResetTokenTable;
  rate_limits: RateLimitTable;
  two_factor_totp: TwoFactorTotpTable;
  recovery_codes: RecoveryCodeTable;
  remembered_browsers: RememberedBrowserTable;
  passkeys: PasskeyTable;
  webauthn_challenges: WebauthnChallengeTable;
  oidc_apps: OidcAppTable;
  oidc_payloads: OidcPayloadTable;
  oidc_signing_keys: OidcSigningKeyTable;
  oidc_app_sign_ins: OidcAppSignInTable;
  oidc_logout_outbox: OidcLogoutOutboxTable;
  admin_alerts: AdminAlertTable;
  admin_alert_digests: AdminAlertDigestTable;
  known_devices: KnownDeviceTable;
}

export interface PracticeTable {
  id: string;
  code: string;
  code_folded: string;
  name: string;
  /** JSON SecuritySettings document. */
  settings: string;
  created_at: number;
}

export interface UserTable {
  id: string;
  practice_id: string;
  username: string;
  username_folded: string;
  first_name: string;
  last_name: string;
  email: string;
  /** JSON array of Role. */
  roles: string;
  supervisor: number;
  status: 'active' | 'deactivated';
  password_hash: string;
  password_changed_at: number;
  /** 1 while the password is temporary (admin reset, new user) and must be replaced. */
  password_must_change: number;
  /** When a temporary password stops working; null for a chosen password. */
  temporary_password_expires_at: number | null;
  failed_attempts: Generated<number>;
  locked_until: number | null;
  lock_count: Generated<number>;
  last_login_at: number | null;
  last_login_ip: string | null;
  last_login_user_agent: string | null;
  created_at: number;
  updated_at: number;
  /** The fhirUser claim (an absolute URL) for SMART on FHIR apps; null when unset. */
  fhir_user: string | null;
}

export interface SessionTable {
  /** SHA-256 of the session token; the token itself is never stored. */
  id: string;
  user_id: string;
  practice_id: string;
  stage: string;
  /** JSON StageProgress of the sign-in in progress. */
  progress: string;
  created_at: number;
  last_seen_at: number;
  ip: string;
  user_agent: string;
  /** Random id that names the session in the API (the primary key is secret-derived). */
  public_id: string;
}

export interface AuditEventTable {
  id: string;
  chain_id: string;
  seq: number;
  practice_id: string | null;
  at: number;
  type: string;
  outcome: string;
  actor_id: string | null;
  actor_username: string | null;
  target_id: string | null;
  target_username: string | null;
  ip: string;
  user_agent: string;
  /** JSON object. */
  details: string;
  prev_hash: string;
  hash: string;
}

/**
 * PostgreSQL only: an event waiting, inside its transaction, for the COMMIT that chains it
 * (migrations/0012-audit-chained-at-commit.ts); empty outside transactions.
 */
export interface AuditPendingEventTable {
  id: string;
  chain_id: string;
  /** The audit_events row but for seq, prev_hash and hash, as JSON. */
  event: string;
  before_seq: string;
  after_seq: string;
  end_text: string;
}

export interface AuditChainTable {
  chain_id: string;
  last_seq: number;
  last_hash: string;
  /** The hash before last_hash, written and read only by the statement that appends an event. */
  prev_hash: string | null;
}

/** The newest signed checkpoint of each chain (domain/audit-checkpoint.ts). */
export interface AuditCheckpointTable {
  chain_id: string;
  seq: number;
  hash: string;
  at: number;
  key_id: string;
  mac: string;
}

export interface MailOutboxTable {
  id: string;
  practice_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: number;
  attempts: Generated<number>;
  next_attempt_at: number;
  sent_at: number | null;
  last_error: string | null;
}

/** Hashes of a user's recent chosen passwords (never temporary ones), newest last. */
export interface PasswordHistoryTable {
  id: string;
  user_id: string;
  password_hash: string;
  created_at: number;
}

export interface PasswordResetTokenTable {
  /** SHA-256 of the token; the token itself is only in the emailed link. */
  id: string;
  user_id: string;
  practice_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface RateLimitTable {
  /** SHA-256 of rule name, scope and value. */
  key: string;
  count: number;
  /** End of the current window. */
  expires_at: number;
}

export type PracticeRow = Selectable<PracticeTable>;
export type UserRow = Selectable<UserTable>;
export type NewUserRow = Insertable<UserTable>;
export type UserRowUpdate = Updateable<UserTable>;
export type SessionRow = Selectable<SessionTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
export type AuditPendingEventRow = Selectable<AuditPendingEventTable>;

export interface TwoFactorTotpTable {
  user_id: string;
  /** AES-256-GCM box of the base32 secret (domain/secret-box.ts); never the secret itself. */
  secret_box: string;
  /** Null while enrolment awaits its confirming code. */
  enabled_at: number | null;
  /** The last time step a code was accepted for; only a greater one is accepted next (F1). */
  last_step: Generated<number>;
  created_at: number;
}

export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  /** SHA-256 of the canonical code (domain/recovery-codes.ts). */
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

export interface RememberedBrowserTable {
  /** Public id, for listing and revoking; not the token. */
  id: string;
  user_id: string;
  /** SHA-256 of the cookie's token. */
  token_hash: string;
  created_at: number;
  expires_at: number;
  last_used_at: number;
  ip: string;
  user_agent: string;
}

export interface PasskeyTable {
  id: string;
  user_id: string;
  /** base64url credential id from the authenticator. */
  credential_id: string;
  /** base64url COSE public key. */
  public_key: string;
  sign_count: number;
  /** JSON array of transport hints. */
  transports: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

export interface WebauthnChallengeTable {
  user_id: string;
  /** 'registration' | 'authentication'. */
  purpose: string;
  challenge: string;
  expires_at: number;
}

/** An app of a practice that signs its users in through Gatehouse (OpenID Connect). */
export interface OidcAppTable {
  id: string;
  practice_id: string;
  /** The public OAuth client_id. */
  client_id: string;
  name: string;
  /** JSON array of exact redirect URIs. */
  redirect_uris: string;
  /** JSON array of exact post-logout redirect URIs. */
  post_logout_redirect_uris: string;
  backchannel_logout_uri: string | null;
  confidential: number;
  first_party: number;
  /** SHA-256 (hex) of the client secret; null for public apps. The secret is shown once, never stored. */
  secret_hash: string | null;
  created_at: number;
  updated_at: number;
}

/** One object the OpenID Connect provider persists (its adapter: store/oidc-payload-store.ts). */
export interface OidcPayloadTable {
  /** The provider's model name: Session, Interaction, Grant, AuthorizationCode, RefreshToken, … */
  model: string;
  id: string;
  /** JSON of the provider's payload. */
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  /** The user the object belongs to (the payload's accountId); null for objects of no user. */
  account_id: string | null;
  /** Null for objects without an expiry. */
  expires_at: number | null;
  consumed_at: number | null;
}

/** An ID token signing key; the private half sealed under the instance key. */
export interface OidcSigningKeyTable {
  kid: string;
  alg: string;
  /** AES-256-GCM box of the private JWK (domain/secret-box.ts). */
  private_jwk_box: string;
  /** JSON public JWK, published in JWKS while the key is kept. */
  public_jwk: string;
  created_at: number;
  /** When a newer key took over signing; null for the key that signs. */
  retired_at: number | null;
}

/**
 * An app a Gatehouse session signed in to (store/oidc-app-sign-in-store.ts). Deleting the session
 * turns it into an oidc_logout_outbox row (a trigger, migrations/0014-app-logouts.ts).
 */
export interface OidcAppSignInTable {
  id: string;
  /** The Gatehouse session (sessions.id). */
  session_id: string;
  practice_id: string;
  user_id: string;
  client_id: string;
  grant_id: string;
  /** The `sid` of the app's ID tokens; null until the provider finished the authorization. */
  sid: string | null;
  /** The provider's session (oidc_payloads uid of model Session). */
  provider_session_uid: string | null;
  created_at: number;
}

/** A back-channel logout token still to send to an app. */
export interface OidcLogoutOutboxTable {
  id: string;
  practice_id: string;
  user_id: string;
  client_id: string;
  sid: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  last_error: string | null;
}

/** An alert waiting for its practice's next daily digest (migrations/0017-admin-alerts.ts). */
export interface AdminAlertTable {
  id: string;
  practice_id: string;
  /** AdminAlertKind (domain/admin-alerts.ts). */
  kind: string;
  /** What happened, in words; never a secret. */
  summary: string;
  created_at: number;
}

/** A daily digest sent: its row is the one instance's claim on that practice's local date. */
export interface AdminAlertDigestTable {
  practice_id: string;
  /** The practice's local date, YYYY-MM-DD. */
  day: string;
  alerts: number;
  created_at: number;
}

/** A device a user has signed in from, as its hash only (domain/known-device.ts). */
export interface KnownDeviceTable {
  user_id: string;
  device_hash: string;
  first_seen_at: number;
  last_seen_at: number;
}
