#!/usr/bin/env node
// The `gatehouse` command; the TypeScript is compiled to dist/ by `npm install` (prepare) and `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('Gatehouse is not built yet: run "npm run build" in the project folder first.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
