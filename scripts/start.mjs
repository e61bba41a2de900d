#!/usr/bin/env node
// `npm start`: builds the lab and serves it on http://127.0.0.1:4173 (vite preview prints the
// address). COOP/COEP headers come from apps/web/vite.config.ts.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' };
const run = (args) => {
  const result = spawnSync('npm', args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run(['run', 'build', '-w', '@kvscope/web']);
console.log('\nkvscope lab: open http://127.0.0.1:4173/ (Ctrl+C to stop)\n');
run(['run', 'preview', '-w', '@kvscope/web']);
