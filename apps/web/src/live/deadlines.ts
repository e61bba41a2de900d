/**
 * Client-side deadlines on one timer: each pending request has a deadline, and a single timer is
 * armed for the earliest one. A timer per request (set when it is sent, cleared when it is answered)
 * cost the page's main thread about as much as everything else it does for a put once 64 are in
 * flight; here a request that is answered only leaves a map.
 *
 * Invariant: while any deadline is pending a timer is armed no later than the earliest of them, and
 * every deadline that has passed when the timer fires is expired (its callback runs once) in the
 * order the deadlines were added.
 */

export class Deadlines {
  private next = 0;
  private readonly pending = new Map<number, { at: number; expire: () => void }>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the armed timer fires (`performance.now()` ms). */
  private timerAt = Number.POSITIVE_INFINITY;

  /** Calls `expire` at `at` (`performance.now()` ms) unless cancelled first; returns the handle. */
  add(at: number, expire: () => void): number {
    const id = this.next++;
    this.pending.set(id, { at, expire });
    if (at < this.timerAt) this.arm(at);
    return id;
  }

  cancel(id: number): void {
    this.pending.delete(id);
  }

  private arm(at: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - performance.now()));
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let earliest = Number.POSITIVE_INFINITY;
    const due: (() => void)[] = [];
    for (const [id, deadline] of this.pending) {
      if (deadline.at <= now) {
        this.pending.delete(id);
        due.push(deadline.expire);
      } else if (deadline.at < earliest) earliest = deadline.at;
    }
    if (earliest < Number.POSITIVE_INFINITY) this.arm(earliest);
    for (const expire of due) expire();
  }
}
