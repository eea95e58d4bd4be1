import { isStoreUnavailable } from '../../store/store-unavailable.js';

/**
 * True when a failure means the database cannot be reached right now (answered 503
 * `unavailable`), not a bug. Which driver errors those are is the store's knowledge
 * (store/store-unavailable.ts); the HTTP layer asks here, since it reaches the store only
 * through the services.
 */
export function isDatabaseOutage(error: unknown): boolean {
  return isStoreUnavailable(error);
}
