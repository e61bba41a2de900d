import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyPosition } from '../ring/ring.ts';
import { encodeSiblings } from '../versioning/siblings.ts';
import { childrenOf, emptyDigest, MerkleTree, versionDigest } from './merkleTree.ts';
import type { KeyRange } from './ranges.ts';
import { versionOf } from './testing/memoryReplica.ts';

const wholeRange: KeyRange = { start: 0, end: 0 };
const digestOf = (n: number) => versionDigest([versionOf('n1', n + 1, `v${n}`)]) as string;

/** Every stored digest of a tree, level by level, plus a few nodes below the leaves. */
function picture(tree: MerkleTree): string[] {
  const levels: string[] = [];
  for (let depth = 0; depth <= tree.leafDepth; depth++) levels.push(tree.level(depth).join(' '));
  const firstLeaf = tree.leafCount;
  for (const node of [2 * firstLeaf, 2 * firstLeaf + 1, 4 * firstLeaf + 3]) levels.push(tree.digest(node));
  return levels;
}

describe('MerkleTree', () => {
  it('an incrementally updated tree equals one built from scratch from the final contents', () => {
    const op = fc.record({
      key: fc.integer({ min: 0, max: 40 }),
      value: fc.option(fc.integer({ min: 0, max: 5 })),
    });
    const range = fc.oneof(
      fc.constant<KeyRange>({ start: 0, end: 0 }),
      fc.record({ start: fc.nat(0xffffffff), end: fc.nat(0xffffffff) }),
    );
    fc.assert(
      fc.property(
        range,
        fc.integer({ min: 0, max: 4 }),
        fc.array(op, { maxLength: 120 }),
        (r, depth, ops) => {
          const tree = new MerkleTree(r, depth);
          const final = new Map<string, string>();
          for (const { key, value } of ops) {
            const name = `key-${key}`;
            if (!tree.covers(name)) continue;
            const digest = value === null ? null : digestOf(value);
            tree.update(name, digest);
            if (digest === null) final.delete(name);
            else final.set(name, digest);
          }
          const rebuilt = MerkleTree.build(r, [...final].reverse(), depth);
          expect(picture(tree)).toEqual(picture(rebuilt));
          expect(tree.size).toBe(final.size);
          expect(tree.keysIn(1)).toEqual(rebuilt.keysIn(1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes noted with updateLater, read at any point, give the tree of immediate updates', () => {
    const op = fc.record({
      key: fc.integer({ min: 0, max: 30 }),
      value: fc.option(fc.integer({ min: 0, max: 5 })),
      read: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
        const eager = new MerkleTree(wholeRange, 3);
        const lazy = new MerkleTree(wholeRange, 3);
        for (const { key, value, read } of ops) {
          const versions = value === null ? [] : [versionOf('n1', value + 1, `v${value}`)];
          eager.update(`key-${key}`, versionDigest(versions));
          lazy.updateLater(`key-${key}`, versions.length === 0 ? null : encodeSiblings(versions));
          expect(lazy.size).toBe(eager.size); // exact, and without digesting
          expect(lazy.settledRoot()).toBeNull();
          if (read) {
            expect(lazy.root()).toBe(eager.root());
            expect(lazy.settledRoot()).toBe(eager.root());
          }
        }
        expect(picture(lazy)).toEqual(picture(eager));
        expect(lazy.size).toBe(eager.size);
        expect(lazy.keysIn(1)).toEqual(eager.keysIn(1));
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on the order in which keys were written', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `user:${i}`);
    const a = new MerkleTree();
    const b = new MerkleTree();
    for (let i = 0; i < keys.length; i++) a.update(keys[i] as string, digestOf(i));
    for (let i = keys.length - 1; i >= 0; i--) b.update(keys[i] as string, digestOf(i));
    expect(a.root()).toBe(b.root());
    expect(a.root()).not.toBe(emptyDigest);
  });

  it('an empty range has the all-zero root, and removing every key brings it back', () => {
    const tree = new MerkleTree();
    expect(tree.root()).toBe(emptyDigest);
    tree.update('a', digestOf(1));
    tree.update('b', digestOf(2));
    expect(tree.root()).not.toBe(emptyDigest);
    tree.update('a', null);
    tree.update('b', null);
    expect(tree.root()).toBe(emptyDigest);
    expect(tree.size).toBe(0);
  });

  it('a changed version changes exactly one node per level: the path from its leaf to the root', () => {
    const tree = new MerkleTree({ start: 0, end: 0 }, 6);
    for (let i = 0; i < 500; i++) tree.update(`k${i}`, digestOf(i));
    const before = Array.from({ length: 7 }, (_, d) => tree.level(d));
    expect(tree.update('k42', digestOf(9_999))).toBe(true);
    expect(tree.update('k42', digestOf(9_999))).toBe(false); // the same digest again: nothing changes
    for (let depth = 0; depth <= 6; depth++) {
      const after = tree.level(depth);
      const changed = after.filter((digest, i) => digest !== before[depth]?.[i]).length;
      expect(changed).toBe(1);
    }
  });

  it('splits below the leaves consistently: children hold exactly their parent’s keys', () => {
    const tree = new MerkleTree({ start: 0, end: 0 }, 2);
    for (let i = 0; i < 300; i++) tree.update(`k${i}`, digestOf(i));
    for (const node of [4, 5, 9, 18, 37, 75]) {
      const [left, right] = childrenOf(node);
      const union = [...tree.keysIn(left), ...tree.keysIn(right)].sort((a, b) => (a.key < b.key ? -1 : 1));
      expect(union).toEqual(tree.keysIn(node));
      expect(tree.keyCount(left) + tree.keyCount(right)).toBe(tree.keyCount(node));
    }
    // A node below the leaves summarises its keys like a leaf: one with the same keys has the same digest.
    const small = MerkleTree.build(
      { start: 0, end: 0 },
      tree.keysIn(37).map((e) => [e.key, e.digest]),
      2,
    );
    expect(small.digest(37)).toBe(tree.digest(37));
  });

  it('places keys by their ring position inside the range, wrapping past zero', () => {
    const p = keyPosition('wrap-me');
    const range = { start: (p + 10) >>> 0, end: (p + 5) >>> 0 }; // everything except (p+5, p+10]
    const tree = new MerkleTree(range, 3);
    expect(tree.covers('wrap-me')).toBe(true);
    tree.update('wrap-me', digestOf(1));
    expect(tree.keysIn(1).map((e) => e.key)).toEqual(['wrap-me']);
    const outside = new MerkleTree({ start: p, end: (p + 1) >>> 0 }, 3); // (p, p+1] excludes p
    expect(outside.covers('wrap-me')).toBe(false);
    expect(() => outside.update('wrap-me', digestOf(1))).toThrow(/outside/);
  });
});
