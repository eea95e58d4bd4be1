/**
 * True for errors that mean "the database cannot be reached right now" rather than a bug:
 * the API answers them with 503 `unavailable` and recovers when the database returns.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // Node socket errors, PostgreSQL connection exceptions (08…), shutdown (57P0…), too many
    // connections (53300), a statement cancelled by statement_timeout (57014) or a lock not had in
    // time (55P03): a busy database, to be retried, not a bug. SQLite busy/locked likewise.
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code))
      return true;
    if (code.startsWith('08') || code.startsWith('57P0') || ['53300', '57014', '55P03'].includes(code))
      return true;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true;
  }
  return /timeout exceeded when trying to connect|Connection terminated|Query read timeout|connection timeout|not queryable|Client was closed|Connection refused/i.test(
    error.message,
  );
}
