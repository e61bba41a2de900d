import { describe, expect, it } from 'vitest';
import { checkJepsenSet, formatJepsenTable, jepsenSetTable } from './jepsenSet.ts';
import { Script } from './testing/histories.ts';

/** Five adds: 0, 1, 2 acknowledged, 3 timed out, 4 failed; then a final read returning `found`. */
function setRun(found: number[]): Script {
  const s = new Script();
  for (const element of [0, 1, 2]) s.addInvoke(1, 'set', element).written(1, { n1: element + 1 });
  s.addInvoke(2, 'set', 3).timedOut(2);
  s.addInvoke(3, 'set', 4).failed(3);
  return s.getInvoke(4, 'set', 'read').read(4, [{ value: 'encoded', clock: { n1: 3 } }], undefined, found);
}

describe('checkJepsenSet', () => {
  it('passes when every acknowledged add survives, counting unacknowledged adds that were found', () => {
    const result = checkJepsenSet(setRun([0, 1, 2, 3]).ops);
    expect(result.valid).toBe(true);
    expect(jepsenSetTable(result)).toEqual({
      attempted: 5,
      acknowledged: 3,
      survivors: 4,
      acknowledgedLost: 0,
      unacknowledgedFound: 1,
      unexpected: 0,
      ok: 3,
      fail: 1,
      info: 1,
    });
  });

  it('negative control: an acknowledged add missing from the final read is a lost write (the LWW outcome)', () => {
    const result = checkJepsenSet(setRun([0, 2]).ops, { conflictMode: 'siblings' });
    expect(result.valid).toBe(false);
    expect(result.promised).toBe(true);
    expect(result.counts.acknowledgedLost).toBe(1);
    expect(result.violations[0]?.explanation).toMatch(/add 1 was acknowledged .* does not contain it/);
  });

  it('does not promise survival under last-write-wins, but still counts the losses', () => {
    const result = checkJepsenSet(setRun([2]).ops, { conflictMode: 'lww' });
    expect({ valid: result.valid, promised: result.promised, lost: result.counts.acknowledgedLost }).toEqual({
      valid: false,
      promised: false,
      lost: 2,
    });
  });

  it('negative control: an element no add attempted is flagged, and so is a missing final read', () => {
    expect(checkJepsenSet(setRun([0, 1, 2, 99]).ops).violations.map((v) => v.rule)).toEqual([
      'unexpected-element',
    ]);
    const noRead = new Script().addInvoke(1, 's', 0).written(1, { n1: 1 });
    expect(checkJepsenSet(noRead.ops).violations.map((v) => v.rule)).toContain('no-final-read');
  });

  it('formats the Jepsen table with one row per configuration', () => {
    const table = formatJepsenTable([
      { label: 'R=W=2 siblings', result: checkJepsenSet(setRun([0, 1, 2]).ops) },
      { label: 'R=W=2 lww', result: checkJepsenSet(setRun([2]).ops, { conflictMode: 'lww' }) },
    ]);
    expect(table.split('\n')).toEqual([
      'configuration   total  acked  survivors  acked lost  lost %  unacked found  ok  fail  info',
      'R=W=2 siblings      5      3          3           0    0.0%              0   3     1     1',
      'R=W=2 lww           5      3          1           2   66.7%              0   3     1     1',
    ]);
  });
});
