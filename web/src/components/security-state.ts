import type { SecuritySummary } from '../types.js';

/** What the Security & Activity section knows about GET /api/me/security. */
export type SecurityState =
  | { status: 'loading' }
  | { status: 'ready'; summary: SecuritySummary }
  | { status: 'error'; message: string };
