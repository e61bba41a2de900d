import { describe, expect, it } from 'vitest';
import { isKvError } from '../errors.ts';
import { emptyOutput } from '../node/contract.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import { type LocalStore, ReplicaStore } from '../replication/replicaStore.ts';
import { buildRing } from '../ring/ring.ts';
import type { FileSystem } from '../storage/files/fileSystem.ts';
import { MemoryFileSystem } from '../storage/files/memoryFileSystem.ts';
import { LsmStore } from '../storage/lsmStore.ts';
import type { Version } from '../versioning/siblings.ts';
import { AntiEntropy, type AntiEntropyHost } from './antiEntropy.ts';
import type { AntiEntropyMessage } from './messages.ts';
import { versionOf } from './testing/memoryReplica.ts';

const ring = buildRing([{ id: nodeId('n1') }, { id: nodeId('n2') }], { virtualNodes: 4 });
const small = { memtableBytesMax: 4_096, blockBytesTarget: 512, tableBytesTarget: 4_096 };

/** A node's view as the kv node would give it: its ReplicaStore on an LSM tree, writes synced. */
class StoreNode implements AntiEntropyHost {
  readonly self: NodeId;
  readonly lsm: LsmStore;
  readonly store: ReplicaStore;
  readonly antiEntropy: AntiEntropy;
  readonly outbox: { to: NodeId; body: AntiEntropyMessage }[] = [];

  constructor(id: string, fs: FileSystem) {
    this.self = nodeId(id);
    this.lsm = LsmStore.open(fs, small);
    this.store = new ReplicaStore(this.lsm as LocalStore, 'siblings');
    this.antiEntropy = new AntiEntropy(this, { ring, placement: 2, intervalMs: 0 });
  }
  send(to: NodeId, body: AntiEntropyMessage): void {
    this.outbox.push({ to, body });
  }
  read(key: string) {
    return this.store.read(key);
  }
  apply(key: string, versions: readonly Version[]) {
    const result = this.store.apply(key, versions);
    if (!isKvError(result)) this.store.sync();
    return result;
  }
  entries() {
    return this.store.entries();
  }
  write(key: string, versions: Version[]): void {
    const result = this.apply(key, versions);
    if (isKvError(result)) throw result;
    this.antiEntropy.onWrite(key, result.siblings);
  }
  roots(): string[] {
    return this.antiEntropy.ranges().map((r) => this.antiEntropy.tree(r)?.root() ?? '');
  }
}

function deliverAll(nodes: StoreNode[]): void {
  const byId = new Map(nodes.map((n) => [n.self, n]));
  for (let pending = true; pending; ) {
    pending = false;
    for (const node of nodes) {
      const sent = node.outbox.shift();
      if (!sent) continue;
      pending = true;
      byId.get(sent.to)?.antiEntropy.onMessage(node.self, structuredClone(sent.body), 0, emptyOutput());
    }
  }
}

describe('anti-entropy over the replica store', () => {
  it('repairs through ReplicaStore on the LSM, and rebuilds the same trees after a restart', () => {
    const fs1 = new MemoryFileSystem();
    const a = new StoreNode('n1', fs1);
    const b = new StoreNode('n2', new MemoryFileSystem());
    for (let i = 0; i < 400; i++) {
      const version = [versionOf('n1', 1, `value-${i}`)];
      a.write(`user:${i}`, version);
      if (i % 10 !== 0) b.write(`user:${i}`, version); // b missed every tenth write
    }
    b.write('user:5', [versionOf('n1', 2, null)]); // and a missed a delete
    expect(b.roots()).not.toEqual(a.roots());

    a.antiEntropy.trigger(0, emptyOutput(), b.self);
    deliverAll([a, b]);
    expect(b.roots()).toEqual(a.roots());
    expect(b.store.read('user:10')).toEqual(a.store.read('user:10'));
    expect((a.store.read('user:5') as Version[]).map((v) => v.value)).toEqual([null]);

    const roots = a.roots();
    a.lsm.close();
    const restarted = new StoreNode('n1', fs1); // trees are rebuilt from one scan of the store
    expect(restarted.roots()).toEqual(roots);
  });
});
