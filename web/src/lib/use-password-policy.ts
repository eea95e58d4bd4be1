import { useEffect, useState } from 'react';
import { api } from '../api.js';
import type { PasswordPolicy } from '../types.js';

/** The caller's password requirements (GET /api/me/password-policy); null until loaded or if unavailable. */
export function usePasswordPolicy(): PasswordPolicy | null {
  const [policy, setPolicy] = useState<PasswordPolicy | null>(null);
  useEffect(() => {
    let active = true;
    api.passwordPolicy().then(
      (loaded) => {
        if (active) setPolicy(loaded);
      },
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, []);
  return policy;
}
