/**
 * The sign-in stage machine. A session is created after a correct password and then walks
 * these stages in order, skipping those that do not apply; until it reaches `signed_in` it
 * reaches nothing but the route of its current stage.
 *
 *   anonymous --password--> two_factor --code--> password_change --new password-->
 *   two_factor_enrollment --enrolled--> signed_in
 */
export const SESSION_STAGES = [
  'anonymous',
  'two_factor',
  'password_change',
  'two_factor_enrollment',
  'signed_in',
] as const;

export type SessionStage = (typeof SESSION_STAGES)[number];

/** A stage a stored session can be in (anonymous callers have no session). */
export type SignInStage = Exclude<SessionStage, 'anonymous'>;

export function isSessionStage(value: unknown): value is SessionStage {
  return typeof value === 'string' && (SESSION_STAGES as readonly string[]).includes(value);
}

/** What the sign-in flow knows about the user once the password was correct. */
export interface StageFacts {
  /** The user has a second factor and this browser is not remembered for it. */
  readonly needsSecondFactor: boolean;
  /** Temporary password, or a password past the practice's expiry. */
  readonly mustChangePassword: boolean;
  /** The practice requires 2FA and the user has none. */
  readonly mustEnrollTwoFactor: boolean;
}

/** Stages already passed in this sign-in. */
export interface StageProgress {
  readonly secondFactorDone: boolean;
  readonly passwordChanged: boolean;
  readonly twoFactorEnrolled: boolean;
}

export const NO_PROGRESS: StageProgress = {
  secondFactorDone: false,
  passwordChanged: false,
  twoFactorEnrolled: false,
};

/** The first stage still owed, in the order above (docs/architecture.md "Sign-in stages"). */
export function nextStage(facts: StageFacts, progress: StageProgress): SignInStage {
  if (facts.needsSecondFactor && !progress.secondFactorDone) return 'two_factor';
  if (facts.mustChangePassword && !progress.passwordChanged) return 'password_change';
  if (facts.mustEnrollTwoFactor && !progress.twoFactorEnrolled) return 'two_factor_enrollment';
  return 'signed_in';
}

/**
 * Whether a session may learn whose account it is (names, email, roles, practice, the words a
 * password must avoid): only once signed in. Before that it has shown no more than a password,
 * perhaps a stolen one, so each step is answered with what that step needs and nothing else
 * (docs/requirements.md S3).
 */
export function revealsAccount(stage: SignInStage): boolean {
  return stage === 'signed_in';
}

/**
 * Whether this sign-in stage itself is proof of the account's password, so that a security
 * change made in it needs no "enter your current password" prompt. Only `two_factor_enrollment`:
 * a session exists only after a correct password (services/sign-in/sign-in.ts `login`), every
 * step issues it a new id, and in this stage it reaches nothing but enrolment. Asking for the
 * password again right after the user typed it proves nothing more. Stage, not time: a signed-in
 * session changing its second factor later still proves its password afresh.
 */
export function stageProvesPassword(stage: SignInStage): boolean {
  return stage === 'two_factor_enrollment';
}
