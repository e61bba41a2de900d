/**
 * CPU time of the browser a benchmark started, read from /proc (Linux), per thread: on a 2-core
 * machine shared with other work, CPU per operation is steadier than operations per second, and
 * which kind of thread spends it says what bounds the throughput. The kinds are the renderer's
 * main thread (`page`), the node workers (`DedicatedWorker` threads: `workers`) and everything else
 * (`other`). Readings are per thread so that a difference between two of them keeps the CPU of
 * threads that ended in between out of it, instead of losing it from a sum (workers of a previous
 * run end while the next one starts).
 */

import { readdirSync, readFileSync } from 'node:fs';

export type CpuKind = 'page' | 'workers' | 'other';
/** pid/tid → the thread's name, kind and CPU milliseconds so far. */
export type ThreadCpu = Map<string, { name: string; kind: CpuKind; ms: number }>;

interface ProcStat {
  name: string;
  ppid: number;
  ms: number;
}

function procStat(path: string): ProcStat | null {
  try {
    const text = readFileSync(path, 'utf8');
    const close = text.lastIndexOf(')');
    const name = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // Fields after the name: state(0) ppid(1) … utime(11) stime(12), in clock ticks (100/s).
    return { name, ppid: Number(fields[1]), ms: (Number(fields[11]) + Number(fields[12])) * 10 };
  } catch {
    return null; // the process or thread ended meanwhile
  }
}

/** The processes descended from this one (the browser it started and the browser's children). */
function ourProcesses(): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    const s = Number.isInteger(pid) ? procStat(`/proc/${pid}/stat`) : null;
    if (s) parent.set(pid, s.ppid);
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === process.pid) return true;
    return false;
  };
  return [...parent.keys()].filter(ours);
}

/** Every thread of the browser with its CPU milliseconds so far. */
export function browserThreadsCpu(): ThreadCpu {
  const threads: ThreadCpu = new Map();
  for (const pid of ourProcesses()) {
    let tids: string[] = [];
    let isRenderer = false;
    try {
      tids = readdirSync(`/proc/${pid}/task`);
      isRenderer = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
    } catch {
      continue;
    }
    for (const tid of tids) {
      const s = procStat(`/proc/${pid}/task/${tid}/stat`);
      if (!s) continue;
      const kind: CpuKind =
        s.name === 'DedicatedWorker' ? 'workers' : isRenderer && tid === String(pid) ? 'page' : 'other';
      threads.set(`${pid}/${tid}`, { name: s.name, kind, ms: s.ms });
    }
  }
  return threads;
}

/**
 * CPU milliseconds by kind between two readings, over the threads alive at the second. `byName`
 * adds the other threads by name too (`other:<name>`), to see which of them work.
 */
export function cpuBetween(start: ThreadCpu | undefined, end: ThreadCpu | undefined, byName = false) {
  const totals: Record<string, number> = { page: 0, workers: 0, other: 0 };
  for (const [key, { name, kind, ms }] of end ?? new Map()) {
    const spent = ms - (start?.get(key)?.ms ?? 0);
    totals[kind] = (totals[kind] ?? 0) + spent;
    if (byName && kind === 'other') totals[`other:${name}`] = (totals[`other:${name}`] ?? 0) + spent;
  }
  return totals;
}
