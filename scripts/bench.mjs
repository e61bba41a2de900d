#!/usr/bin/env node
// Runs every `bench:*` script of the root package.json, one after another (2 cores: never in
// parallel), and lists the result files they wrote. `npm run bench -- storage` runs only bench:storage.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const only = process.argv.slice(2);
const names = Object.keys(pkg.scripts)
  .filter((name) => name.startsWith('bench:'))
  .filter((name) => only.length === 0 || only.includes(name.slice('bench:'.length)));
let failed = 0;
for (const name of names) {
  console.log(`\n── npm run ${name} ──`);
  const run = spawnSync('npm', ['run', '--silent', name], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
console.log(`\nbenchmarks: ${names.length - failed} ran, ${failed} failed (figures in bench/results/)`);
process.exit(failed ? 1 : 0);
