/**
 * Replay of a simulated run (SPEC §2 "Time"): the cluster as the recorded run had it at any
 * simulated instant — each node up, crashed or paused, every message on the wire drawn along its
 * link — with a time slider to scrub, Play at a chosen pace (a simulated millisecond can be shown
 * as a tenth of a second, so messages that took 2 ms cross the screen), and Step to the next
 * message sent or delivered. The faults the run applied are listed with the instant they struck;
 * the ones already applied at t are marked. The same scenario and seed record the same run, so a
 * shared link (`?run=…&seed=…&t=…`, "Link to this moment") opens the same instant anywhere.
 *
 * The history's operations in progress and just done at t are listed; choosing one shows its
 * request's trace (RequestTrace, as the live lab draws one) with the run's messages of it, and moves
 * the slider to its start.
 */

import { ClusterView, RequestTrace } from '@kvscope/ui';
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  nextMessageEvent,
  operationsAt,
  type ReplayOperation,
  type ReplayTrace,
  replayAt,
  requestMessages,
} from '../scenarios/replay.ts';
import type { RequestTraces } from '../scenarios/requestTraces.ts';

/** Simulated milliseconds shown per real second. */
const paces = [
  { label: '1 ms per s', msPerSecond: 1 },
  { label: '10 ms per s', msPerSecond: 10 },
  { label: '100 ms per s', msPerSecond: 100 },
  { label: '1 s per s', msPerSecond: 1_000 },
  { label: '10 s per s', msPerSecond: 10_000 },
];

interface Props {
  trace: ReplayTrace;
  /** Each node's data centre (drawn as bands, as the live cluster is); null with one. */
  dataCentreOf: Readonly<Record<string, string>> | null;
  faults: readonly { atMs: number; description: string }[];
  operations: readonly ReplayOperation[];
  /** The trace events of the operations' requests (requestTraces.ts). */
  traces: RequestTraces;
  /** The link that reruns this run, when it can be shared; the replay adds its instant (`&t=`). */
  runLink: string | null;
  /** Where the replay starts (simulated ms). */
  startMs: number;
}

/** View sizes: one circle fits a short view; data-centre bands take the live cluster's proportions. */
const circleView = { width: 460, height: 300 };
const bandedView = { width: 560, height: 440 };

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

export function ReplayView({ trace, dataCentreOf, faults, operations, traces, runLink, startMs }: Props) {
  const [t, setT] = useState(() => Math.min(startMs, trace.endMs));
  const [chosen, setChosen] = useState<ReplayOperation | null>(null);
  const choose = (o: ReplayOperation) => {
    setChosen(o);
    setT(o.invokeAt);
  };
  const [playing, setPlaying] = useState(false);
  const [pace, setPace] = useState(100);
  const at = useMemo(() => replayAt(trace, t), [trace, t]);
  const ops = useMemo(() => operationsAt(operations, t), [operations, t]);
  usePlayback(playing, pace, trace.endMs, setT, () => setPlaying(false));
  const step = () => {
    const next = nextMessageEvent(trace, t);
    if (next !== null) setT(next);
  };
  return (
    <div className="replay" data-testid="replay">
      <h3>Replay</h3>
      <ClusterView
        nodes={at.nodes}
        flights={at.flights}
        cutLinks={at.cutLinks}
        dataCentreOf={dataCentreOf}
        {...(dataCentreOf ? bandedView : circleView)}
      />
      <input
        type="range"
        min={0}
        max={Math.ceil(trace.endMs)}
        step={1}
        value={Math.round(t)}
        onChange={(e) => setT(Number(e.target.value))}
        aria-label="Simulated time"
        className="replay-slider"
        data-testid="replay-slider"
      />
      <div className="form-row wrap">
        <button type="button" onClick={() => setPlaying(!playing)} data-testid="replay-play">
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" onClick={step} disabled={playing} data-testid="replay-step">
          Step to the next message
        </button>
        <label>
          pace{' '}
          <select value={pace} onChange={(e) => setPace(Number(e.target.value))} data-testid="replay-pace">
            {paces.map((p) => (
              <option key={p.msPerSecond} value={p.msPerSecond}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <output data-testid="replay-time">
          t = {(t / 1000).toFixed(6)} s of {seconds(trace.endMs)} · {at.flights.length} in flight
        </output>
        {runLink && (
          <a href={`${runLink}&t=${t.toFixed(6)}`} data-testid="replay-link">
            Link to this moment
          </a>
        )}
      </div>
      <p className="small" data-testid="replay-operations">
        <b>{ops.running.length} in progress</b>
        {ops.running.length > 0 && ': '}
        <Operations list={ops.running.slice(0, 4)} describe={describeRunning} onChoose={choose} />
        {ops.running.length > 4 && ' …'}
        <br />
        <span className="muted">last done: </span>
        {ops.done.length > 0 ? (
          <Operations list={ops.done} describe={describe} onChoose={choose} />
        ) : (
          <span className="muted">none yet</span>
        )}
      </p>
      {chosen && <ChosenTrace operation={chosen} trace={trace} traces={traces} />}
      {trace.truncated > 0 && (
        <p className="muted small">
          The run sent {trace.truncated.toLocaleString('en-US')} messages more than the replay keeps: late
          ones are not drawn.
        </p>
      )}
      <ol className="small replay-faults" data-testid="replay-faults">
        {faults.map((f) => (
          <li key={`${f.atMs}-${f.description}`} className={f.atMs <= t ? undefined : 'muted'}>
            <button type="button" className="link" onClick={() => setT(f.atMs)}>
              {seconds(f.atMs)}
            </button>{' '}
            {f.atMs <= t ? '✓ ' : ''}
            {f.description}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Operations separated by dots; one tied to its request is a button that shows its trace. */
function Operations({
  list,
  describe,
  onChoose,
}: {
  list: readonly ReplayOperation[];
  describe: (o: ReplayOperation) => string;
  onChoose: (o: ReplayOperation) => void;
}) {
  return list.map((o, i) => (
    <span key={`${o.process}-${o.invokeAt}`}>
      {i > 0 && ' · '}
      {o.requestId ? (
        <button type="button" className="link" onClick={() => onChoose(o)} data-testid="replay-operation">
          {describe(o)}
        </button>
      ) : (
        describe(o)
      )}
    </span>
  ));
}

const noEvents: RequestTraces[string] = [];

/** The chosen operation's request trace, with the run's messages of it. */
function ChosenTrace({
  operation,
  trace,
  traces,
}: {
  operation: ReplayOperation;
  trace: ReplayTrace;
  traces: RequestTraces;
}) {
  const requestId = operation.requestId as string;
  const events = traces[requestId] ?? noEvents;
  const messages = useMemo(() => {
    const times = events.map((e) => e.at);
    return requestMessages(trace, Math.min(...times) - 1, Math.max(...times) + trace.longestFlightMs);
  }, [trace, events]);
  return (
    <div data-testid="replay-trace">
      <p className="small">
        <b>{describe(operation)}</b> — request {requestId}
      </p>
      <RequestTrace requestId={requestId} events={events} messages={messages} width={460} />
    </div>
  );
}

/** "p3 put k7 ok at 10.012 s": an operation done by t, as the replay lists it. */
function describe(o: ReplayOperation): string {
  const end = o.doneAt === null ? '' : ` ${o.outcome} at ${seconds(o.doneAt)}`;
  return `p${o.process} ${o.f} ${o.key}${end}`;
}

/** "p3 get k12 since 8.013 s": an operation in progress at t (its outcome is not known yet). */
function describeRunning(o: ReplayOperation): string {
  return `p${o.process} ${o.f} ${o.key} since ${seconds(o.invokeAt)}`;
}

/** Advances `t` at `pace` simulated ms per real second while `playing`; stops at the end. */
function usePlayback(
  playing: boolean,
  pace: number,
  endMs: number,
  setT: (update: (t: number) => number) => void,
  onEnd: () => void,
): void {
  const ended = useRef(onEnd);
  ended.current = onEnd;
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function tick(now) {
      const dt = ((now - last) / 1000) * pace;
      last = now;
      setT((t) => {
        const next = Math.min(endMs, t + dt);
        if (next >= endMs) ended.current();
        return next;
      });
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, pace, endMs, setT]);
}
