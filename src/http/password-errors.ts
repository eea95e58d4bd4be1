import { ApiError } from '../domain/errors.js';
import type { NewPasswordProblem } from '../services/passwords/new-password.js';

/** A refused new password as the contract answers it: 400 password_mismatch or 422 password_policy. */
export function newPasswordError(problem: NewPasswordProblem): ApiError {
  if (problem.reason === 'password_mismatch') return new ApiError('password_mismatch');
  return new ApiError('password_policy', undefined, {
    violations: problem.violations.map(({ rule, message }) => ({ rule, message })),
  });
}
