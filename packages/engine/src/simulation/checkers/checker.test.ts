/**
 * When the checkers promise P4/P5 (strict quorums that always meet): R + W > N without data centres;
 * with replication per data centre, only level pairs whose quorums meet wherever the coordinators
 * are — LOCAL_QUORUM with LOCAL_QUORUM is strict within one data centre only, so it is not promised.
 */
import { describe, expect, it } from 'vitest';
import type { ConsistencyLevel } from '../../scenario/types.ts';
import {
  type CheckerConfig,
  checkerViolationsMax,
  levelsIntersect,
  quorumsIntersect,
  replicaCount,
  ViolationLog,
} from './checker.ts';

const twoDcs = { west: 2, east: 2 };
const meets = (r: ConsistencyLevel, w: ConsistencyLevel, perDc: Record<string, number> = twoDcs) =>
  levelsIntersect(r, w, perDc);

describe('quorum intersection with data centres', () => {
  it('does not promise LOCAL_QUORUM reads against LOCAL_QUORUM writes across data centres', () => {
    expect(meets('LOCAL_QUORUM', 'LOCAL_QUORUM')).toBe(false);
    // With one data centre listed, "local" is the whole keyspace: it is QUORUM.
    expect(meets('LOCAL_QUORUM', 'LOCAL_QUORUM', { west: 3 })).toBe(true);
  });

  it('promises EACH_QUORUM on either side of LOCAL_QUORUM', () => {
    expect(meets('LOCAL_QUORUM', 'EACH_QUORUM')).toBe(true);
    expect(meets('EACH_QUORUM', 'LOCAL_QUORUM')).toBe(true);
    expect(meets('EACH_QUORUM', 'EACH_QUORUM')).toBe(true);
  });

  it('judges counts over all N against per-data-centre quorums by whether they can avoid them', () => {
    // N = 4: a read of 3 cannot avoid the 2 west replicas a LOCAL_QUORUM write in west needs … 3 + 2 > 4.
    expect(meets(3, 'LOCAL_QUORUM')).toBe(true);
    expect(meets('QUORUM', 'LOCAL_QUORUM')).toBe(true);
    // … a read of 2 can (the two east replicas).
    expect(meets(2, 'LOCAL_QUORUM')).toBe(false);
    expect(meets('ONE', 'ALL')).toBe(true);
    expect(meets('ONE', 'EACH_QUORUM', { west: 3, east: 3 })).toBe(false);
  });

  it('promises only under strict quorums, and reads R + W > N without data centres', () => {
    const base: CheckerConfig = { n: 4, r: 2, w: 2, quorum: 'strict', conflictMode: 'siblings' };
    const dataCentres = { replicationPerDc: twoDcs, r: 'LOCAL_QUORUM', w: 'EACH_QUORUM' } as const;
    expect(quorumsIntersect({ ...base, dataCentres })).toBe(true);
    expect(quorumsIntersect({ ...base, dataCentres, quorum: 'sloppy' })).toBe(false);
    expect(quorumsIntersect({ ...base, dataCentres: { ...dataCentres, w: 'LOCAL_QUORUM' } })).toBe(false);
    expect(quorumsIntersect({ ...base, r: 3 })).toBe(true);
    expect(quorumsIntersect(base)).toBe(false);
  });

  it('resolves the levels to replica counts', () => {
    expect(replicaCount('LOCAL_QUORUM', 5)).toBe(3);
    expect(replicaCount('EACH_QUORUM', 5)).toBe(3);
    expect(replicaCount('LOCAL_QUORUM', 5, { west: 3, east: 2 })).toBe(2);
    expect(replicaCount('EACH_QUORUM', 5, { west: 3, east: 2 })).toBe(4);
    expect(replicaCount('QUORUM', 5, { west: 3, east: 2 })).toBe(3);
  });
});

describe('ViolationLog', () => {
  it('counts every violation but keeps, and explains, only the first few', () => {
    const log = new ViolationLog();
    const explained: number[] = [];
    for (let i = 0; i < checkerViolationsMax + 5; i++)
      log.add('stale-read', `k${i}`, [i], () => {
        explained.push(i);
        return `read ${i} was stale`;
      });
    const result = log.result('no-stale-reads', 'P4', true, {});
    expect(result.violationCount).toBe(checkerViolationsMax + 5);
    expect(result.valid).toBe(false);
    expect(result.violations.map((v) => v.explanation)).toEqual(
      Array.from({ length: checkerViolationsMax }, (_, i) => `read ${i} was stale`),
    );
    expect(explained).toHaveLength(checkerViolationsMax);
  });
});
