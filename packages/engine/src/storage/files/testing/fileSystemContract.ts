/**
 * The vitest form of the `FileSystem` contract: `fileSystemContract('memory', open)` declares one
 * test per case of `fileSystemContractCases`. `reset` empties the underlying storage before each
 * case (a fresh temp folder, a cleared database); without it, `open` is expected to hand a case
 * fresh storage on its first call. Backends that can only run inside a Worker (OPFS) run the cases
 * there and report per case instead.
 */

import { beforeEach, describe, it } from 'vitest';
import { fileSystemContractCases, type OpenFileSystem } from '../fileSystemContract.ts';

export function fileSystemContract(
  name: string,
  open: OpenFileSystem,
  reset?: () => void | Promise<void>,
): void {
  describe(`${name} file system contract`, () => {
    if (reset) beforeEach(reset);
    for (const contractCase of fileSystemContractCases) {
      it(contractCase.name, () => contractCase.run(open));
    }
  });
}
