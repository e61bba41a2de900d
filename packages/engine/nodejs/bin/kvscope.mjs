#!/usr/bin/env node
// The `kvscope` command: runs the TypeScript command line (../cli.ts) through tsx, so no build step
// stands between a change to the engine and the runner.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');
