import { useEffect, useState } from 'react';
import type * as PasswordPolicyModule from '../../../src/domain/password-policy.js';

/**
 * The server's own password policy engine (src/domain/password-policy.ts), loaded on demand
 * because its dictionaries are large. The live checklist runs exactly the rules the server
 * enforces; the server stays the authority (and alone checks history).
 */
export type PasswordEngine = typeof PasswordPolicyModule;

let loading: Promise<PasswordEngine> | undefined;

export function usePasswordEngine(): PasswordEngine | null {
  const [engine, setEngine] = useState<PasswordEngine | null>(null);
  useEffect(() => {
    let active = true;
    loading ??= import('../../../src/domain/password-policy.js');
    loading.then(
      (loaded) => {
        if (active) setEngine(loaded);
      },
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, []);
  return engine;
}
