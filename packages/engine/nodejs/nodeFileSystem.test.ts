import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { fileSystemContract } from '../src/storage/files/testing/fileSystemContract.ts';
import { NodeFileSystem } from './nodeFileSystem.ts';

const root = mkdtempSync(join(tmpdir(), 'kvscope-nodefs-'));
let caseNumber = 0;
let directory = join(root, 'case-0');

fileSystemContract(
  'node fs',
  () => new NodeFileSystem(directory),
  () => {
    caseNumber++;
    directory = join(root, `case-${caseNumber}`);
  },
);

afterAll(() => rmSync(root, { recursive: true, force: true }));
