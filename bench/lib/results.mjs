// Raw results of a benchmark run, kept beside the README's table (bench/results is not committed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { ROOT } from './processes.mjs';

export function writeResults(name, data) {
  const dir = `${ROOT}bench/results`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${name}-${data.date.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  process.stderr.write(`results: ${file}\n`);
}
