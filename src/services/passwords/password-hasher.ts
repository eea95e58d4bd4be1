import { hash, verify } from '@node-rs/argon2';
import { normalizePassword } from '../../domain/password-text.js';

/**
 * Password hashing: argon2id, m = 19456 KiB, t = 2, p = 1 (OWASP Password Storage minimum),
 * a fresh 16-byte salt each time, parameters kept in the PHC string. The native binding runs
 * on libuv's thread pool, so hashing never blocks the event loop.
 */
export interface Argon2Parameters {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export const ARGON2_PARAMETERS: Argon2Parameters = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Never throws for a malformed stored hash: that is simply not a match. */
  verify(storedHash: string, password: string): Promise<boolean>;
  /** True when the stored hash was made with weaker parameters than today's. */
  needsRehash(storedHash: string): boolean;
  /** Spends the time of one real verification, for callers that found no user. */
  verifyDummy(password: string): Promise<void>;
}

export function createPasswordHasher(parameters: Argon2Parameters = ARGON2_PARAMETERS): PasswordHasher {
  // 2 = Algorithm.Argon2id (an ambient const enum, which isolated modules cannot import).
  const options = { algorithm: 2, ...parameters };
  const hashPassword = (password: string) => hash(normalizePassword(password), options);
  // Made once, lazily: a hash with today's parameters of a password nobody has.
  let dummyHash: Promise<string> | undefined;

  const verifyPassword = async (storedHash: string, password: string): Promise<boolean> => {
    try {
      return await verify(storedHash, normalizePassword(password));
    } catch {
      return false;
    }
  };

  return {
    hash: hashPassword,
    verify: verifyPassword,
    needsRehash(storedHash) {
      const found = parsePhcParameters(storedHash);
      return (
        found === undefined ||
        !storedHash.startsWith('$argon2id$') ||
        found.memoryCost < parameters.memoryCost ||
        found.timeCost < parameters.timeCost ||
        found.parallelism !== parameters.parallelism
      );
    },
    async verifyDummy(password) {
      dummyHash ??= hashPassword('gatehouse dummy password for timing equality');
      await verifyPassword(await dummyHash, password);
    },
  };
}

/** Reads m, t and p from `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`. */
export function parsePhcParameters(phc: string): Argon2Parameters | undefined {
  const match = /\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(phc);
  if (!match) return undefined;
  return { memoryCost: Number(match[1]), timeCost: Number(match[2]), parallelism: Number(match[3]) };
}
