import { buildRing, isKvError, kvConfigFrom, replicasFor } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import {
  assignDataCentres,
  dataCentreConfig,
  dataCentreForJoiner,
  dataCentreMap,
  evenSplit,
  interDcDelayMs,
  layoutChanged,
  placementFor,
  ringMembers,
} from './dataCentres.ts';
import { dataCentreGroups, linkTable, noFaults } from './network.ts';
import { type ClusterSettings, defaultSettings, settingsProblem } from './settings.ts';

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];
const twoDcs: ClusterSettings = {
  ...defaultSettings,
  dataCentres: 2,
  replicasPerDc: { west: 2, east: 1 },
  nodeDc: assignDataCentres(ids),
};

describe('data centres in the lab', () => {
  it('puts the first ⌈n/2⌉ nodes in west and splits N as evenly as possible', () => {
    expect(assignDataCentres(ids)).toEqual({ n1: 'west', n2: 'west', n3: 'west', n4: 'east', n5: 'east' });
    expect(evenSplit(3)).toEqual({ west: 2, east: 1 });
    expect(evenSplit(4)).toEqual({ west: 2, east: 2 });
  });

  it('leaves the default cluster as it was: one data centre, no member list in the config', () => {
    expect(settingsProblem(defaultSettings)).toBeNull();
    expect(dataCentreMap(defaultSettings, ids)).toBeNull();
    expect(dataCentreConfig(defaultSettings, 'n1', ids.slice(1))).toEqual({});
    expect(placementFor(defaultSettings)).toBe(3);
    expect(linkTable(noFaults, 150, 'n1', ids).n5).toEqual({ cut: false, delayMs: 150, loss: 0 });
  });

  it('refuses, in a sentence, a data centre asked for more replicas than it has nodes', () => {
    expect(settingsProblem(twoDcs)).toBeNull();
    const tooMany = { ...twoDcs, replicasPerDc: { west: 2, east: 3 }, n: 5 };
    expect(settingsProblem(tooMany)).toBe(
      'east has 2 nodes but is asked to keep 3 replicas of every key; choose at most 2.',
    );
    expect(settingsProblem({ ...twoDcs, replicasPerDc: { west: 2, east: 0 }, n: 2 })).toMatch(
      /^Replicas in east must be a whole number ≥ 1/,
    );
    expect(settingsProblem({ ...twoDcs, n: 4 })).toBe(
      'N must be the sum of the replicas per data centre (3), not 4.',
    );
  });

  it('sends a new node to the data centre with fewer nodes', () => {
    expect(dataCentreForJoiner(twoDcs, ids)).toBe('east');
    const six = { ...twoDcs, nodeDc: { ...twoDcs.nodeDc, n6: 'east' as const } };
    expect(dataCentreForJoiner(six, [...ids, 'n6'])).toBe('west');
  });

  it('gives the nodes a config the engine accepts, placing replicas per data centre', () => {
    const raw = { n: 3, r: 2, w: 2, ...dataCentreConfig(twoDcs, 'n4', ['n1', 'n2', 'n3', 'n5']) };
    const config = kvConfigFrom(raw, 'n4', ['n1', 'n2', 'n3', 'n5']);
    if (isKvError(config)) throw new Error(config.message);
    expect(config.placement).toEqual({ west: 2, east: 1 });
    // The page computes the same placement from the same members.
    const ring = buildRing(ringMembers(twoDcs, ids), { virtualNodes: 8 });
    const list = replicasFor(ring, 'apple', placementFor(twoDcs));
    expect(list.byDataCentre?.west).toHaveLength(2);
    expect(list.byDataCentre?.east).toHaveLength(1);
    for (const id of list.byDataCentre?.east ?? []) expect(['n4', 'n5']).toContain(id);
  });

  it('adds the inter-DC delay to links between data centres only, and cuts a data centre off', () => {
    const interDc = { dcOf: twoDcs.nodeDc, extraMs: interDcDelayMs(0) };
    const table = linkTable(noFaults, 0, 'n1', ids, interDc);
    expect(table.n2?.delayMs).toBe(0);
    expect(table.n4?.delayMs).toBe(20);
    expect(interDcDelayMs(400)).toBe(200);
    const groups = dataCentreGroups(twoDcs.nodeDc, 'east');
    const cut = linkTable({ ...noFaults, groups }, 0, 'n1', ids, interDc);
    expect([cut.n2?.cut, cut.n4?.cut, cut.n5?.cut]).toEqual([false, true, true]);
    expect(linkTable({ ...noFaults, groups }, 0, 'n4', ids).n5?.cut).toBe(false);
  });
});

describe('a new data-centre layout', () => {
  it('is one that moves a node or changes the replicas per data centre, not one that keeps them', () => {
    expect(layoutChanged(defaultSettings, { ...defaultSettings, n: 2 }, ids)).toBe(false);
    expect(layoutChanged(defaultSettings, twoDcs, ids)).toBe(true);
    expect(layoutChanged(twoDcs, { ...twoDcs, r: 1 }, ids)).toBe(false);
    expect(layoutChanged(twoDcs, { ...twoDcs, replicasPerDc: { west: 1, east: 1 }, n: 2 }, ids)).toBe(true);
    expect(layoutChanged(twoDcs, defaultSettings, ids)).toBe(true);
  });
});
