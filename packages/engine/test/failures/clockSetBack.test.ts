/**
 * A node restarted with its clock set back (TESTING T4 with skew): its gossip generation is its
 * start time, so the new incarnation's generation is smaller than the one its peers remember, and
 * they used to ignore every digest of it: declared down for ever, it never received a hint or a
 * repair, and its keys never converged. Hearing its old incarnation gossiped back, it now takes a
 * generation past it (membership.ts `outlive`). A random compound-fault run (skew, then a wipe)
 * found it.
 */

import { describe, expect, it } from 'vitest';
import { isKvError } from '../../src/errors.ts';
import type { ClusterEvent } from '../../src/protocol/events.ts';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import { runScenario } from '../../src/scenario/runScenario.ts';
import { kvScenario } from './kvFailureHarness.ts';

describe('a node restarted with its clock set back', () => {
  it.each(['process', 'wipe'] as const)('is heard again after a %s restart, and its keys converge', (how) => {
    const restart =
      how === 'wipe'
        ? [{ atMs: 2_000, type: 'wipe', node: 'n4' }]
        : [
            { atMs: 2_000, type: 'kill', node: 'n4', mode: 'process' },
            { atMs: 3_000, type: 'restart', node: 'n4' },
          ];
    const file = kvScenario(`clock-set-back-${how}`, [
      { atMs: 1_000, type: 'skew', node: 'n4', ms: -5_000 },
      ...restart,
    ]);
    const scenario = parseScenario(file);
    if (isKvError(scenario)) throw scenario;
    const verdicts: string[] = [];
    const report = runScenario(scenario, {
      onEvent: (e: ClusterEvent) => {
        if ((e.type === 'member.down' || e.type === 'member.alive') && e.member === 'n4')
          verdicts.push(`${e.type} by ${e.node}`);
      },
    });
    if (isKvError(report)) throw report;
    // Any down verdict on n4 is followed by its peers hearing it alive again.
    const lastDown = verdicts.map((v) => v.startsWith('member.down')).lastIndexOf(true);
    for (const peer of ['n1', 'n2', 'n3', 'n5'])
      if (verdicts.slice(0, lastDown + 1).some((v) => v.endsWith(peer)))
        expect(verdicts.slice(lastDown + 1)).toContain(`member.alive by ${peer}`);
    const p3 = report.checkers.results.find((r) => r.property === 'P3');
    expect(p3?.counts).toMatchObject({ keysDiverged: 0, hintsLeft: 0 });
    expect(report.valid).toBe(true);
  });
});
