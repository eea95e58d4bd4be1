import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The lint rule in eslint.config.js that keeps src/http from calling the store directly. */
describe('src/http reaches the store only through the services', () => {
  const eslint = new ESLint();
  const ruleIds = async (code: string) => {
    const [result] = await eslint.lintText(code, { filePath: 'src/http/probe.ts' });
    return result?.messages.map((message) => message.ruleId) ?? [];
  };

  it('refuses a value import from src/store', async () => {
    expect(
      await ruleIds(
        "import { findUserById } from '../store/user-store.js';\nexport const lookUp = findUserById;\n",
      ),
    ).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('allows naming a store type', async () => {
    expect(
      await ruleIds("import type { User } from '../store/user-store.js';\nexport type Probe = User;\n"),
    ).toEqual([]);
  });
});
