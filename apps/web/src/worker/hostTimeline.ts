/**
 * What one worker's host loop did, mark by mark, while a latency study records it: a request or a
 * message arriving, a step, envelopes posted, a group commit's sync and the OPFS write and flush
 * inside it, a reply released. `npm run profile:lab -- --timeline` turns every worker's timeline on
 * while the page sends puts one at a time, merges the workers' marks on the shared clock
 * (`sharedNow`: the same time base in every worker and the page) and prints when each phase of a put
 * happened (bench/lab.timeline.ts). Counters (HostStats) say how much time went where in total; only
 * a timeline shows whether the coordinator's sync and a replica's overlap.
 *
 * Off by default, so the marks can stay in the hot paths: callers test `on` before calling `mark`
 * (the lab profile showed the calls themselves when they were unconditional), and pass the detail as
 * separate strings so that nothing is concatenated while off. A recording keeps at most
 * `timelineMarksMax` marks (later ones are dropped and counted).
 *
 * One timeline per worker (a module-level instance): the host, its outbox and its OPFS slots all mark
 * into it. The page controls it through the node's `configure` patch `{ timeline: 'start' | 'stop' |
 * 'clear' }` and reads a stopped recording in the node's snapshot (`host.timeline`).
 */

import { sharedNow } from '../shared/workerApi.ts';

/** Marks one recording keeps: a few seconds of puts one at a time (≈ 15 marks per put per worker). */
export const timelineMarksMax = 200_000;

/** A recording: mark i happened at `at[i]` (sharedNow ms); `kind[i]` and `detail[i]` say what. */
export interface TimelineMarks {
  at: number[];
  kind: string[];
  detail: string[];
  /** Marks dropped because the recording was full. */
  dropped: number;
}

export class HostTimeline {
  /** Whether marks are being recorded. */
  on = false;
  private marks: TimelineMarks = HostTimeline.empty();

  private static empty(): TimelineMarks {
    return { at: [], kind: [], detail: [], dropped: 0 };
  }

  /** Starts a new recording (a previous one is discarded). */
  start(): void {
    this.marks = HostTimeline.empty();
    this.on = true;
  }

  stop(): void {
    this.on = false;
  }

  /** Discards the recording. */
  clear(): void {
    this.on = false;
    this.marks = HostTimeline.empty();
  }

  /** The stopped recording, or null while recording or when there is none. */
  recorded(): TimelineMarks | null {
    return this.on || this.marks.at.length === 0 ? null : this.marks;
  }

  /** Records `kind` (with `detail`, and `more` after a space) now, if recording. */
  mark(kind: string, detail = '', more = ''): void {
    if (!this.on) return;
    const { marks } = this;
    if (marks.at.length >= timelineMarksMax) {
      marks.dropped++;
      return;
    }
    marks.at.push(sharedNow());
    marks.kind.push(kind);
    marks.detail.push(more ? `${detail} ${more}` : detail);
  }
}

/** This worker's timeline. */
export const hostTimeline = new HostTimeline();
