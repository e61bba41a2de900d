/**
 * P7, bounded siblings (TESTING.md; SPEC 1.5): a read never returns more siblings than there were
 * truly concurrent writers. The store's clocks cannot be the judge of that (a buggy coordinator or
 * clock pruning is exactly what creates false conflicts), so causality is taken from the *clients*:
 * write b *follows* write a when b's invoke context covers a's acknowledged clock — b's client had
 * read a (or something after it) before writing.
 *
 * Two sound rules (a correct store never trips them; each flags a real false conflict):
 *
 * 1. `causal-siblings` — two siblings of one read that are the versions of writes a and b (equal
 *    clocks), where b follows a: the client had already seen a when it wrote b, so b should have
 *    replaced a. (One hop of *follows*; longer chains are left to rule 2.)
 * 2. `sibling-bound` — a read returns at most B siblings, B = the writes of the key invoked before
 *    the read completed, less one for every edge of a matching in the *follows* relation. Any
 *    antichain of writes (and siblings are versions of pairwise unordered writes) meets each chain
 *    of a chain cover at most once; a matching of k edges among W writes gives a chain cover of
 *    W − k chains, so B bounds the largest antichain whatever matching is chosen (Dilworth). The
 *    matching is built greedily in invoke order, each write linked to the latest unlinked write
 *    its context covers. For a single client doing read–modify–write, B = 1.
 *
 * Counts: the largest sibling count seen and the largest bound, for the report.
 */

import type { HistoryOp } from '../history.ts';
import { type CheckerResult, type Operation, operations, operationsByKind, ViolationLog } from './checker.ts';
import { covers, showClock } from './clocks.ts';
import { type WritesIndex, writersOfVersions, writesIndex } from './keyWrites.ts';

export function checkBoundedSiblings(history: readonly HistoryOp[]): CheckerResult {
  const log = new ViolationLog();
  const all = operations(history);
  const counts = { reads: 0, siblingsMax: 0, boundMax: 0, falseConflicts: 0 };
  const { reads, writes } = operationsByKind(history);
  judgeReads(all, reads, chainHeads(all, writes), writerIndex(history), log, counts);
  return log.result('bounded-siblings', 'P7', true, counts);
}

/**
 * Rules 1 and 2 on every `ok` read (`reads`: the reads' indexes in `all`), in invoke order. The
 * loop is alone in its function (see checker.ts, Cost): code after it would deoptimise the loop's
 * kept code on every run.
 */
function judgeReads(
  all: readonly Operation[],
  reads: readonly number[],
  heads: ReadonlyMap<string, number[]>,
  writers: WriterIndex,
  log: ViolationLog,
  counts: { reads: number; siblingsMax: number; boundMax: number; falseConflicts: number },
): void {
  for (let k = 0; k < reads.length; k++) {
    const r = reads[k]!;
    const done = all[r]!.completion;
    if (done?.type !== 'ok') continue;
    counts.reads++;
    const siblings = done.siblings ?? [];
    const bound = chainHeadsBefore(heads, done.key, done.index);
    counts.siblingsMax = Math.max(counts.siblingsMax, siblings.length);
    counts.boundMax = Math.max(counts.boundMax, bound);
    if (siblings.length > bound) {
      log.add(
        'sibling-bound',
        done.key,
        [done.index],
        () =>
          `the read of ${done.key} at ${done.time} ms returned ${siblings.length} siblings, but at most ${bound} of the writes before it were concurrent`,
      );
    }
    if (siblings.length < 2) continue; // a false conflict needs two siblings
    const writtenBy: (Operation | undefined)[] = [];
    for (let i = 0; i < siblings.length; i++) writtenBy.push(writerOf(writers, r, done, i));
    for (let i = 0; i < writtenBy.length; i++) {
      for (let j = 0; j < writtenBy.length; j++) {
        const a = writtenBy[i];
        const b = writtenBy[j];
        if (i === j || a === undefined || b === undefined || !covers(b.invoke.context, a.completion!.clock))
          continue;
        counts.falseConflicts++;
        log.add(
          'causal-siblings',
          done.key,
          [done.index, a.completion!.index, b.completion!.index],
          () =>
            `the read of ${done.key} at ${done.time} ms returned ${showClock(a.completion!.clock)} and ${showClock(b.completion!.clock)} as siblings, but the second was written with context ${showClock(b.invoke.context)}, which had seen the first`,
        );
      }
    }
  }
}

/**
 * The acknowledged writes by key and clock text, and, when some key could make two "key clock"
 * texts equal (`keysMayJoinAmbiguously`), by that joined text.
 */
interface WriterIndex {
  index: WritesIndex;
  byText: Map<string, Operation> | undefined;
}

function writerIndex(history: readonly HistoryOp[]): WriterIndex {
  const index = writesIndex(history);
  if (!index.keysMayJoinAmbiguously) return { index, byText: undefined };
  const byText = new Map<string, Operation>(); // `key clock` → the write that created it
  for (const op of operations(history)) {
    if (op.invoke.f === 'get' || op.invoke.f === 'read' || op.completion?.type !== 'ok') continue;
    byText.set(`${op.invoke.key} ${showClock(op.completion.clock)}`, op);
  }
  return { index, byText };
}

/**
 * The acknowledged write that created sibling `s` of the read that is operation `o`: the last, in
 * invoke order, whose key and clock text match — exactly the writer a map keyed by the text "key
 * clock" would give, which is what it is when some key could make two such texts equal. Module
 * functions, not closures made per run, here and below: the optimised checker keeps its code from
 * one run to the next only while its callees stay the same functions.
 */
function writerOf(writers: WriterIndex, o: number, read: HistoryOp, s: number): Operation | undefined {
  if (writers.byText !== undefined)
    return writers.byText.get(`${read.key} ${showClock(read.siblings![s]!.clock)}`);
  return writersOfVersions(writers.index, o, read)[s]?.at(-1);
}

/**
 * Greedy matching over *follows*: for each key, the invoke indexes (ascending) of the writes not
 * linked to a predecessor, the chain heads. A write's predecessor was acknowledged before the
 * write's context existed, so it lies in every invoke-order prefix that holds the write.
 */
function chainHeads(all: readonly Operation[], writes: readonly number[]): Map<string, number[]> {
  const heads = new Map<string, number[]>(); // key → invoke indexes of chain heads, ascending
  const linkable = new Map<string, Operation[]>(); // key → acknowledged writes not yet anyone's predecessor
  for (let w = 0; w < writes.length; w++) {
    const op = all[writes[w]!]!;
    const { invoke, completion } = op;
    const open = linkable.get(invoke.key) ?? [];
    let linked = false;
    for (let i = open.length - 1; i >= 0 && invoke.context !== null; i--) {
      const candidate = open[i]!;
      if (candidate.completion!.index > invoke.index || !covers(invoke.context, candidate.completion!.clock))
        continue;
      open.splice(i, 1);
      linked = true;
      break;
    }
    if (!linked) {
      const list = heads.get(invoke.key) ?? [];
      list.push(invoke.index);
      heads.set(invoke.key, list);
    }
    if (completion?.type === 'ok') open.push(op);
    linkable.set(invoke.key, open);
  }
  return heads;
}

/** How many of `key`'s chain heads were invoked before history position `before`. */
function chainHeadsBefore(heads: ReadonlyMap<string, number[]>, key: string, before: number): number {
  const list = heads.get(key) ?? noHeads;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < before) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const noHeads: number[] = [];
