/**
 * The nemeses of T3 (TESTING.md), shared by the set and kv variants of the matrix: every partition
 * shape (random halves, majority/minority, bridge, ring of majorities, isolate one), a one-way cut
 * and 20% loss with duplication and reordering, each applied at `faultAt` and healed at `healAt`.
 * A nemesis is a function of the seed so that "random halves" splits differently per seed.
 */

export const faultAt = 4_000;
export const healAt = 10_000;

export type Nemesis = [label: string, fault: (seed: number) => Record<string, unknown>];

/** A random split of the five nodes into two halves, chosen by the seed. */
export function randomHalves(seed: number): string[][] {
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  let x = seed * 2_654_435_761;
  for (let i = nodes.length - 1; i > 0; i--) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = x % (i + 1);
    [nodes[i], nodes[j]] = [nodes[j]!, nodes[i]!];
  }
  return [nodes.slice(0, 2), nodes.slice(2)];
}

export const nemeses: Nemesis[] = [
  ['random halves', (seed) => ({ type: 'partition', groups: randomHalves(seed) })],
  [
    'majority/minority',
    () => ({
      type: 'partition',
      groups: [
        ['n1', 'n2', 'n3'],
        ['n4', 'n5'],
      ],
    }),
  ],
  [
    'bridge',
    () => ({
      type: 'partition',
      groups: [
        ['n1', 'n2', 'n3'],
        ['n3', 'n4', 'n5'],
      ],
    }),
  ],
  [
    'ring of majorities',
    () => ({
      type: 'partition',
      groups: [
        ['n1', 'n2', 'n3'],
        ['n2', 'n3', 'n4'],
        ['n3', 'n4', 'n5'],
        ['n4', 'n5', 'n1'],
        ['n5', 'n1', 'n2'],
      ],
    }),
  ],
  ['isolate one', () => ({ type: 'partition', groups: [['n1'], ['n2', 'n3', 'n4', 'n5']] })],
  ['one-way cut', () => ({ type: 'cut', from: ['n1', 'n2'], to: ['n3', 'n4', 'n5'] })],
  [
    '20% loss, dup, reorder',
    () => ({
      type: 'loss',
      from: ['n1', 'n2', 'n3', 'n4', 'n5'],
      to: ['n1', 'n2', 'n3', 'n4', 'n5'],
      probability: 0.2,
      duplicate: 0.2,
      reorder: 0.2,
    }),
  ],
];

/** A file-name-safe form of a nemesis label: "20% loss, dup, reorder" → "20-loss-dup-reorder". */
export const slug = (label: string) => label.replace(/[^a-z0-9]+/g, '-');
