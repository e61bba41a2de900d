import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Encode, canonicalJson, History, historyValueOfBytes, parseHistory } from './history.ts';

const quorumError = { code: 'KV_QUORUM_FAILED' as const, message: '1 of 2 replicas answered' };

function sampleRun(): History {
  const history = new History();
  const put = history.invoke({ process: 1, f: 'put', key: 'k', value: 'a', context: null }, 10);
  const get = history.invoke({ process: 2, f: 'get', key: 'k' }, 11);
  history.ok(put, 14, { clock: { n1: 1 }, node: 'n1' });
  history.ok(get, 15, { context: { n1: 1 }, siblings: [{ value: 'a', clock: { n1: 1 } }], node: 'n2' });
  const del = history.invoke({ process: 1, f: 'delete', key: 'k', context: { n1: 1 } }, 20);
  history.fail(del, 25, { error: quorumError });
  const late = history.invoke({ process: 1, f: 'put', key: 'k', value: 'b' }, 30);
  history.info(late, 130);
  return history;
}

describe('History', () => {
  it('records invoke and completion with the fields the checkers rely on', () => {
    const ops = sampleRun().ops;
    expect(ops.map((op) => `${op.index}:${op.type}:${op.process}:${op.f}`)).toEqual([
      '0:invoke:1:put',
      '1:invoke:2:get',
      '2:ok:1:put',
      '3:ok:2:get',
      '4:invoke:1:delete',
      '5:fail:1:delete',
      '6:invoke:1:put',
      '7:info:1:put',
    ]);
    expect(ops[2]).toMatchObject({ value: 'a', context: null, clock: { n1: 1 }, node: 'n1', time: 14 });
    expect(ops[3]).toMatchObject({
      value: null,
      context: { n1: 1 },
      siblings: [{ value: 'a', clock: { n1: 1 } }],
    });
    expect(ops[5]).toMatchObject({ error: quorumError, context: { n1: 1 } });
  });

  it('serialises canonically: the same run gives the same bytes, whatever the field order', () => {
    expect(sampleRun().serialize()).toBe(sampleRun().serialize());
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}',
    );
    const text = sampleRun().serialize();
    expect(text.split('\n')[1]).toBe(
      '{"context":null,"f":"put","index":0,"key":"k","process":1,"time":10,"type":"invoke","value":"a"},',
    );
    expect(parseHistory(text)).toEqual(JSON.parse(JSON.stringify(sampleRun().ops)));
  });

  it('serialises any JSON value to the same value, whatever order its keys were set in', () => {
    const reversed = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(reversed);
      if (v === null || typeof v !== 'object') return v;
      const entries = Object.entries(v).reverse();
      return Object.fromEntries(entries.map(([k, x]) => [k, reversed(x)]));
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reversed(value))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a second operation on a busy process, a double completion and a write ok without its clock', () => {
    const history = new History();
    const op = history.invoke({ process: 1, f: 'put', key: 'k', value: 'a' }, 0);
    expect(() => history.invoke({ process: 1, f: 'get', key: 'k' }, 1)).toThrow(/process 1/);
    expect(() => history.ok(op, 2)).toThrow(/needs its clock/);
    history.info(op, 2);
    expect(() => history.info(op, 3)).toThrow(/completed twice/);
  });

  it('keeps operations the run ended before completing as open', () => {
    const history = new History();
    history.invoke({ process: 3, f: 'add', key: 's', value: 7 }, 0);
    expect(history.openOps().map((op) => op.value)).toEqual([7]);
  });

  it('encodes text values as strings and other bytes as base64 (RFC 4648 vectors)', () => {
    const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map((s) => base64Encode(bytes(s)))).toEqual([
      '',
      'Zg==',
      'Zm8=',
      'Zm9v',
      'Zm9vYg==',
      'Zm9vYmE=',
      'Zm9vYmFy',
    ]);
    expect(historyValueOfBytes(bytes('héllo'.normalize()).map((b) => b))).toEqual({ base64: 'aOlsbG8=' });
    expect(historyValueOfBytes(Uint8Array.of(0x68, 0xc3, 0xa9))).toBe('hé');
  });
});
