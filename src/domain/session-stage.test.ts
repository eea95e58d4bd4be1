import { describe, expect, it } from 'vitest';
import {
  isSessionStage,
  nextStage,
  NO_PROGRESS,
  SESSION_STAGES,
  stageProvesPassword,
} from './session-stage.js';

const none = { needsSecondFactor: false, mustChangePassword: false, mustEnrollTwoFactor: false };
const all = { needsSecondFactor: true, mustChangePassword: true, mustEnrollTwoFactor: true };

describe('nextStage', () => {
  it('signs in at once when nothing is owed', () => {
    expect(nextStage(none, NO_PROGRESS)).toBe('signed_in');
  });

  it('walks second factor, then password change, then enrolment, in that order', () => {
    expect(nextStage(all, NO_PROGRESS)).toBe('two_factor');
    expect(nextStage(all, { ...NO_PROGRESS, secondFactorDone: true })).toBe('password_change');
    expect(nextStage(all, { secondFactorDone: true, passwordChanged: true, twoFactorEnrolled: false })).toBe(
      'two_factor_enrollment',
    );
    expect(nextStage(all, { secondFactorDone: true, passwordChanged: true, twoFactorEnrolled: true })).toBe(
      'signed_in',
    );
  });

  it('skips stages that do not apply', () => {
    expect(nextStage({ ...none, mustEnrollTwoFactor: true }, NO_PROGRESS)).toBe('two_factor_enrollment');
    expect(nextStage({ ...none, mustChangePassword: true }, NO_PROGRESS)).toBe('password_change');
  });

  it('recognises exactly the contract stages', () => {
    for (const stage of [
      'anonymous',
      'two_factor',
      'password_change',
      'two_factor_enrollment',
      'signed_in',
    ]) {
      expect(isSessionStage(stage)).toBe(true);
    }
    expect(isSessionStage('admin')).toBe(false);
    expect(isSessionStage(undefined)).toBe(false);
  });
});

describe('stageProvesPassword', () => {
  it('spares the password prompt only in the enrolment stage a sign-in forces', () => {
    const sparing = SESSION_STAGES.filter((stage) => stage !== 'anonymous' && stageProvesPassword(stage));
    expect(sparing).toEqual(['two_factor_enrollment']);
  });
});
