#!/usr/bin/env node
// Where a server's main thread spends its time in each load of a bench run: reads a
// `.cpuprofile` (`BENCH_PROF=<dir>` starts the servers of the benches under `--cpu-prof`, see
// bench/lib/processes.mjs), splits the server's life into busy phases at each idle gap (between
// two loads the server waits: its limit is being measured), and prints each phase's length and
// its self time by package (node_modules package, Node's own code, Gatehouse's file, or the
// engine's native entries: garbage collector, idle, socket writes).
//
//   node bench/cpu-profile-phases.mjs <file.cpuprofile> [top] [gap seconds]
import { readFileSync } from 'node:fs';

const [file, top = '12', gap = '1.5'] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/cpu-profile-phases.mjs <file.cpuprofile> [top] [gap seconds]');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));

/** What a sample counts toward: its function's package or file. */
function placeOf({ callFrame: { url, functionName } }) {
  if (!url) return `(${functionName.replace(/^\(|\)$/g, '') || 'native'})`;
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1];
  if (url.startsWith('node:')) return 'node (its own JavaScript)';
  const own = /\/dist\/src\/(.+)$/.exec(url);
  return own ? `gatehouse ${own[1]}` : url;
}

// Samples with their times; a phase ends where the thread idles for `gap` seconds without a break.
let at = profile.startTime;
const samples = profile.samples.map((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  return { at, delta, place: placeOf(nodes.get(id)) };
});
const phases = [];
let idleSince;
for (const sample of samples) {
  if (sample.place === '(idle)') {
    idleSince ??= sample.at;
    continue;
  }
  const last = phases.at(-1);
  if (!last || (idleSince !== undefined && sample.at - idleSince > Number(gap) * 1e6))
    phases.push({ from: sample.at, to: sample.at, busy: 0, places: new Map() });
  idleSince = undefined;
  const phase = phases.at(-1);
  phase.to = sample.at;
  phase.busy += sample.delta;
  phase.places.set(sample.place, (phase.places.get(sample.place) ?? 0) + sample.delta);
}

const seconds = (us) => (us / 1e6).toFixed(1);
for (const phase of phases.filter((p) => p.to - p.from > 1e6)) {
  const length = phase.to - phase.from;
  console.log(
    `\n${seconds(phase.from - profile.startTime)}–${seconds(phase.to - profile.startTime)} s: busy ${((phase.busy / length) * 100).toFixed(0)} % of ${seconds(length)} s`,
  );
  for (const [place, us] of [...phase.places].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
    console.log(`  ${((us / length) * 100).toFixed(1).padStart(5)} %  ${place}`);
}
