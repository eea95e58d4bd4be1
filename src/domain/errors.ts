/**
 * The one catalogue of errors the API answers with. Every error body is
 * `{"error":{"code","message"}}`; the HTTP status belongs to the code.
 */
export const API_ERRORS = {
  invalid_request: { status: 400, message: 'The request is not valid. Check the fields and try again.' },
  invalid_credentials: {
    status: 401,
    message: 'The practice code, user name or password is incorrect.',
  },
  not_authenticated: { status: 401, message: 'You are not logged in. Please log in.' },
  session_expired: { status: 401, message: 'Your session has ended. Please log in again.' },
  csrf_failed: { status: 403, message: 'The request could not be verified. Reload the page and try again.' },
  forbidden: { status: 403, message: 'You do not have permission to do this.' },
  stage_required: {
    status: 403,
    message: 'Finish logging in first: complete the step shown on the Log In page.',
  },
  ip_not_allowed: {
    status: 403,
    message:
      'Your practice does not allow login from this computer’s network. Contact your Practice Administrator.',
  },
  account_locked: {
    status: 403,
    message:
      'This account is locked after too many failed attempts. It unlocks by itself at the time given, or your Practice Administrator can unlock it now.',
  },
  not_found: { status: 404, message: 'Nothing was found at this address.' },
  conflict: { status: 409, message: 'This conflicts with existing data.' },
  payload_too_large: { status: 413, message: 'The request is too large.' },
  unsupported_media_type: {
    status: 415,
    message: 'Send the request body as JSON (Content-Type: application/json).',
  },
  rate_limited: { status: 429, message: 'Too many attempts. Wait a moment and try again.' },
  internal_error: { status: 500, message: 'Something went wrong on our side. Please try again.' },
  unavailable: { status: 503, message: 'The service is temporarily unavailable. Please try again shortly.' },
  invalid_current_password: {
    status: 400,
    message: 'Your current password is incorrect. Enter the password you use to log in now.',
  },
  password_mismatch: {
    status: 400,
    message: 'The new password and its confirmation do not match. Type the same password in both fields.',
  },
  password_policy: {
    status: 422,
    message:
      'The new password does not meet your practice’s requirements. Fix the problems listed and try again.',
  },
  invalid_token: {
    status: 400,
    message: 'This password reset link is not valid or has expired. Request a new one from the Log In page.',
  },
  invalid_code: {
    status: 401,
    message:
      'That code is not valid. Enter the current code from your authenticator app, or a recovery code.',
  },
  two_factor_already_enabled: {
    status: 409,
    message: 'Two-factor authentication is already on for your account.',
  },
  two_factor_not_enabled: { status: 409, message: 'Two-factor authentication is not on for this account.' },
  two_factor_required: {
    status: 409,
    message: 'Your practice requires two-factor authentication, so it cannot be turned off.',
  },
  two_factor_setup_required: {
    status: 409,
    message: 'Start the setup again: scan the new QR code, then enter the code your app shows.',
  },
  headers_too_large: { status: 431, message: 'The request headers or address are too large.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** An expected failure that the HTTP layer turns into the contract's error shape. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(code: ApiErrorCode, message?: string, extra: Record<string, unknown> = {}) {
    super(message ?? API_ERRORS[code].message);
    this.name = 'ApiError';
    this.code = code;
    this.status = API_ERRORS[code].status;
    this.extra = extra;
  }
}
