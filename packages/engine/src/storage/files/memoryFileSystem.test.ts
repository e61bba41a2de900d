import { type ByteBuffer, MemoryFileSystem } from './memoryFileSystem.ts';
import { fileSystemContract } from './testing/fileSystemContract.ts';

/** The storage shared by the instances of one case, as a second process would see the same disk. */
let files = new Map<string, ByteBuffer>();

fileSystemContract(
  'memory',
  () => new MemoryFileSystem('memory', files),
  () => {
    files = new Map<string, ByteBuffer>();
  },
);
