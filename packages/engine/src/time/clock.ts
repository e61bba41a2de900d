/**
 * Time is an input (DESIGN.md rule 1). Drivers own a `Clock`: the simulator's is virtual, the live
 * driver's reads `performance.now()` in the worker. Nodes never read a clock; each step is handed
 * `now` (milliseconds), and deadlines are `Timeout` values the node fires from its own `tick`.
 */

export interface Clock {
  /** Milliseconds on this driver's time line; monotonic. */
  now(): number;
}

/** A manually advanced clock, for tests and for the simulator's virtual time. */
export class ManualClock implements Clock {
  constructor(private time = 0) {}
  now(): number {
    return this.time;
  }
  set(time: number): void {
    if (time < this.time) throw new RangeError(`clock cannot go back from ${this.time} to ${time}`);
    this.time = time;
  }
  advance(ms: number): void {
    this.set(this.time + ms);
  }
}

/**
 * A named deadline, after TigerBeetle's `vsr.Timeout`: started with a period, fired when `now`
 * passes its deadline. Nodes keep a table of them and check them on every step, and report the
 * earliest deadline as their next wake-up, so drivers need no timers per protocol.
 */
export class Timeout {
  private deadline: number | null = null;

  constructor(
    readonly name: string,
    public periodMs: number,
  ) {}

  get running(): boolean {
    return this.deadline !== null;
  }

  get deadlineAt(): number | null {
    return this.deadline;
  }

  start(now: number, periodMs = this.periodMs): void {
    this.deadline = now + periodMs;
  }

  stop(): void {
    this.deadline = null;
  }

  /** True when the timeout is running and `now` has reached its deadline. */
  fired(now: number): boolean {
    return this.deadline !== null && now >= this.deadline;
  }
}

/** Earliest deadline among running timeouts, or null when none runs. */
export function earliestDeadline(timeouts: Iterable<Timeout>): number | null {
  let earliest: number | null = null;
  for (const timeout of timeouts) {
    const at = timeout.deadlineAt;
    if (at !== null && (earliest === null || at < earliest)) earliest = at;
  }
  return earliest;
}

/** The earlier of two deadlines, null meaning none (for hot paths: nothing is allocated). */
export function earlier(a: number | null, b: number | null): number | null {
  return a === null || (b !== null && b < a) ? b : a;
}
