/**
 * A scenario file carried in a link (scenarioLink.ts): every shipped file comes back as the same
 * JSON, in a link short enough to share; a link cut short or edited does not decode and says so.
 * The shipped list itself holds the scenario files and not the schema beside them.
 */

import { isKvError, parseScenarioText } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { decodeScenario, encodeScenario, runUrl, scenarioLinkCharsMax } from './scenarioLink.ts';
import { shippedScenarios } from './shippedScenarios.ts';

describe('the shipped scenarios', () => {
  it('are the scenario files of public/scenarios, each valid, and not their schema', () => {
    const shipped = shippedScenarios();
    expect(shipped.map((s) => s.label)).not.toContain('scenario.schema');
    expect(shipped.length).toBeGreaterThanOrEqual(10);
    for (const { text, label } of shipped) expect(isKvError(parseScenarioText(text)), label).toBe(false);
  });
});

describe('a scenario in a link', () => {
  it('carries every shipped file back as the same JSON, in a link short enough to share', async () => {
    for (const { text, label } of shippedScenarios()) {
      const param = await encodeScenario(text);
      expect(param, label).toMatch(/^[A-Za-z0-9_-]+$/);
      const decoded = await decodeScenario(param);
      expect('text' in decoded && JSON.parse(decoded.text), label).toEqual(JSON.parse(text));
      expect(runUrl({ scenario: param, seed: '7' }).length, label).toBeLessThan(scenarioLinkCharsMax / 4);
    }
  });

  it('carries a file that is not JSON as it is, so the reader meets the same parse error', async () => {
    const decoded = await decodeScenario(await encodeScenario('{"name": "oops",'));
    expect(decoded).toEqual({ text: '{"name": "oops",' });
  });

  it('says a link cut short or edited cannot be read', async () => {
    const param = await encodeScenario(shippedScenarios()[0]?.text ?? '{}');
    for (const broken of [param.slice(0, param.length / 2), `${param}!`, '', 'AAAA'])
      expect(await decodeScenario(broken)).toEqual({
        problem: `this link's scenario cannot be read (${broken.length} characters): it may have been cut short when it was copied`,
      });
  });

  it('keeps one run in the address: the run parameters it replaces are gone', () => {
    history.replaceState(null, '', '?run=jepsen-set&seed=3&t=12.5&lesson=quorums');
    const url = new URL(runUrl({ scenario: 'abc', seed: '9' }));
    expect([...url.searchParams.entries()]).toEqual([
      ['lesson', 'quorums'],
      ['scenario', 'abc'],
      ['seed', '9'],
    ]);
    history.replaceState(null, '', location.pathname);
  });
});
