#!/usr/bin/env node
/**
 * `node scripts/typecheck.mjs <tsconfig>…`, run from a package folder by its `typecheck` script:
 * type-checks each of the package's TypeScript projects with `tsc -p`, as many at once as the
 * machine has cores. One tsc is one thread, and a package has up to six projects (one per lib: DOM,
 * WebWorker, Node), so one after another they left a core idle for most of the default test run's
 * type-check. Name the slowest projects first so the last one to start is a short one.
 * Prints each failing project's errors under its name and exits non-zero if any failed.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const projects = process.argv.slice(2);
if (projects.length === 0) {
  console.error('usage: node scripts/typecheck.mjs <tsconfig.json>…');
  process.exit(2);
}

/** Runs `tsc -p project`; resolves to whether it passed, with what it printed. */
function check(project) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', project], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ project, passed: code === 0, output }));
  });
}

const queue = [...projects];
const results = [];
const lane = async () => {
  for (let project = queue.shift(); project; project = queue.shift()) results.push(await check(project));
};
await Promise.all(Array.from({ length: Math.min(availableParallelism(), projects.length) }, lane));

const failed = results.filter((r) => !r.passed);
for (const { project, output } of failed) console.error(`\ntsc -p ${project} failed:\n${output.trimEnd()}`);
process.exit(failed.length > 0 ? 1 : 0);
