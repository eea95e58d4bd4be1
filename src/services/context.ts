import type { Store } from '../store/database.js';
import type { PasswordHasher } from './passwords/password-hasher.js';

/** Time as the services see it; tests pass a clock they can move. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** What the services need from the outside world, passed in rather than imported. */
export interface ServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly hasher: PasswordHasher;
}

/** Who is asking and from where, as recorded in events and sessions. */
export interface RequestOrigin {
  readonly ip: string;
  readonly userAgent: string;
}
