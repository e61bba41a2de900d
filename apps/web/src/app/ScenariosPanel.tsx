/**
 * A run is shared as a link: `?run=<shipped scenario>&seed=N` opens this tab on that scenario and
 * seed and runs it; any other file (your own, or a live session saved as a scenario) rides in the
 * link itself, deflated (`?scenario=…&seed=N`, scenarioLink.ts). The tab shows the link for the run
 * on screen ("Link to this run"), and the replay one for the instant it shows (`&t=<simulated ms>`:
 * the replay opens there).
 *
 * The Runs tab: run a scenario file in the deterministic simulator, in the browser, beside the
 * live cluster and apart from it — a shipped one (public/scenarios) or the user's own — and read
 * the same summary `npx kvscope run` prints (checker verdicts, metrics, faults, the replay command)
 * and download the same report; then replay the run on the cluster drawing (ReplayView.tsx). An
 * invalid file gets its problems listed, each naming its field.
 */

import { useEffect, useMemo, useRef, useState } from 'react';
import { quoteLinkValue } from '../live/pageLink.ts';
import { runScenarioJob, type ScenarioResult } from '../scenarios/scenarioJob.ts';
import {
  decodeScenario,
  encodeScenario,
  runUrl,
  scenarioLinkCharsMax,
  scenarioParam,
} from '../scenarios/scenarioLink.ts';
import { shippedScenarios } from '../scenarios/shippedScenarios.ts';
import { ReplayView } from './ReplayView.tsx';

/** A scenario file to run: its text, the name it goes by (a path), and its label in the list. */
export interface Chosen {
  text: string;
  path: string;
  label: string;
}

/** A seed as the command line takes it (`--seed`): a whole number from 0 to 4294967295. */
function isSeed(text: string): boolean {
  return /^\d{1,10}$/.test(text) && Number(text) <= 0xffffffff;
}

/** What a `?run=…` or `?scenario=…` link names: a shipped scenario or a file, a seed, a replay instant. */
interface RunLinkParams {
  run: string | null;
  scenario: string | null;
  seed: string;
  t: number;
}

function linkParams(): RunLinkParams | null {
  const params = new URLSearchParams(location.search);
  const run = params.get('run');
  const scenario = params.get(scenarioParam);
  if (run === null && scenario === null) return null;
  const seed = params.get('seed') ?? '';
  const t = Number(params.get('t') ?? 0);
  return { run, scenario, seed: isSeed(seed) ? seed : '', t: Number.isFinite(t) && t > 0 ? t : 0 };
}

/** A file that came in a link: named after its scenario's `name`, when it has one. */
function fromLink(text: string): Chosen {
  let name = 'scenario';
  try {
    const field = (JSON.parse(text) as { name?: unknown }).name;
    if (typeof field === 'string' && field.trim()) name = field.trim();
  } catch {
    // Not JSON: the run reports why, naming the problem.
  }
  return { text, path: `${name}.json`, label: `${name}, from a link` };
}

/** The link that reruns `chosen` with `seed`: by name when shipped, else the file itself. */
async function shareLinkOf(chosen: Chosen, seed: number, shipped: readonly Chosen[]): Promise<ShareLink> {
  if (shipped.includes(chosen)) return { href: runUrl({ run: chosen.label, seed: String(seed) }) };
  const href = runUrl({ [scenarioParam]: await encodeScenario(chosen.text), seed: String(seed) });
  return href.length <= scenarioLinkCharsMax ? { href } : { tooLong: href.length };
}

type ShareLink = { href: string } | { tooLong: number };

/** `offered`: a file handed over from elsewhere in the lab (this live session), run as it arrives. */
export function ScenariosPanel({ offered }: { offered?: Chosen | null }) {
  const shipped = useMemo(shippedScenarios, []);
  const link = useMemo(linkParams, []);
  /** The file the page's link named, once read: its run opens the replay at the link's instant. */
  const linked = useRef<Chosen | null>(shipped.find((s) => s.label === link?.run) ?? null);
  const [chosen, setChosen] = useState<Chosen | null>(
    () => linked.current ?? (link?.scenario != null ? null : (shipped[0] ?? null)),
  );
  /** A `?run=` name that is no shipped scenario: said once, until another is chosen or run. */
  const unknownRun = link?.run != null && !linked.current ? link.run : null;
  const [seed, setSeed] = useState(link?.seed ?? '');
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ScenarioResult | null>(null);
  const [share, setShare] = useState<ShareLink | null>(null);
  const seedProblem =
    seed.trim() !== '' && !isSeed(seed.trim()) ? 'a seed is a whole number from 0 to 4294967295' : null;

  const run = async (target = chosen) => {
    if (!target || seedProblem) return;
    setRunning(true);
    setResult(null);
    const job = { text: target.text, path: target.path, ...(seed.trim() ? { seed: Number(seed) } : {}) };
    setResult(await runScenarioJob(job));
    setRunning(false);
  };

  // A file offered by the live session is chosen and run at once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when another file is offered
  useEffect(() => {
    if (!offered) return;
    setChosen(offered);
    void run(offered);
  }, [offered]);

  // A link to a run runs it once, as soon as the tab opens (a file in the link once it is read).
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on the first render
  useEffect(() => {
    if (linked.current) {
      void run(linked.current); // a shipped scenario's name wins over a file in the same link
      return;
    }
    if (link?.scenario == null) return;
    void decodeScenario(link.scenario).then((decoded) => {
      if ('problem' in decoded) {
        setResult({ ok: false, code: 'KV_INVALID_SCENARIO', message: decoded.problem, problems: [] });
        return;
      }
      linked.current = fromLink(decoded.text);
      setChosen(linked.current);
      void run(linked.current);
    });
  }, []);

  // The link to the run on screen: made anew for each result (a file's link is its deflated text).
  useEffect(() => {
    setShare(null);
    if (!result?.ok || !chosen) return;
    let current = true;
    void shareLinkOf(chosen, result.seed, shipped).then((made) => current && setShare(made));
    return () => {
      current = false;
    };
  }, [result, chosen, shipped]);

  const openFile = async (file: File | undefined) => {
    if (!file) return;
    setChosen({ text: await file.text(), path: file.name, label: file.name });
    setResult(null);
  };

  return (
    <section className="panel" aria-label="Scenarios" data-testid="scenarios-panel">
      <h2>Run a scenario</h2>
      <p className="muted small">
        Runs a scenario file in the deterministic simulator, here in your browser and apart from the live
        cluster: the same engine and checkers as <code>npx kvscope run</code>, so the same seed gives the same
        history.
      </p>
      <div className="form-row wrap">
        <label>
          Shipped{' '}
          <select
            data-testid="scenario-select"
            value={shipped.some((s) => s.path === chosen?.path) ? chosen?.path : ''}
            onChange={(e) => {
              setChosen(shipped.find((s) => s.path === e.target.value) ?? null);
              setResult(null);
            }}
          >
            {!shipped.some((s) => s.path === chosen?.path) && (
              <option value="">({chosen?.label ?? 'your file'})</option>
            )}
            {shipped.map((s) => (
              <option key={s.path} value={s.path}>
                {s.label}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          or your file{' '}
          <input
            type="file"
            className="scenario-file"
            accept=".json,application/json"
            data-testid="scenario-file"
            onChange={(e) => void openFile(e.target.files?.[0])}
          />
        </label>
      </div>
      {unknownRun !== null && chosen === shipped[0] && !result && (
        <p className="refusal" data-testid="scenario-unknown">
          The link names the scenario {quoteLinkValue(unknownRun)}, which is not shipped here; choose one
          above, or open your own file.
        </p>
      )}
      {chosen && <p className="small">{describe(chosen)}</p>}
      <div className="form-row">
        <label>
          Seed{' '}
          <input
            size={10}
            inputMode="numeric"
            placeholder="the file's"
            value={seed}
            onChange={(e) => setSeed(e.target.value)}
            data-testid="scenario-seed"
          />
        </label>{' '}
        <button
          type="button"
          disabled={!chosen || running || !!seedProblem}
          onClick={() => void run()}
          data-testid="scenario-run"
        >
          {running ? 'Running…' : 'Run'}
        </button>{' '}
        {seedProblem && <span role="alert">{seedProblem}</span>}
      </div>
      {result && (
        <Result
          result={result}
          runLink={share && 'href' in share ? share.href : null}
          startMs={
            result.ok && link && chosen === linked.current && String(result.seed) === link.seed ? link.t : 0
          }
        />
      )}
      {result?.ok && share && 'href' in share && (
        <p className="small">
          <a href={share.href} data-testid="scenario-link">
            Link to this run
          </a>{' '}
          <span className="muted">(the same scenario and seed, run again wherever it is opened)</span>
        </p>
      )}
      {result?.ok && share && 'tooLong' in share && (
        <p className="small muted" data-testid="scenario-link-too-long">
          This file would make a link of {share.tooLong.toLocaleString('en-US')} characters, too long to
          share: share the file instead.
        </p>
      )}
    </section>
  );
}

/** The file's own description, when it parses and has one. */
function describe(chosen: Chosen): string {
  try {
    const description = (JSON.parse(chosen.text) as { description?: unknown }).description;
    return typeof description === 'string' ? description : chosen.label;
  } catch {
    return chosen.label;
  }
}

interface ResultProps {
  result: ScenarioResult;
  /** The link that reruns this run (shipped scenarios only). */
  runLink: string | null;
  /** Where the replay starts (simulated ms): the instant a shared link named. */
  startMs: number;
}

function Result({ result, runLink, startMs }: ResultProps) {
  if (!result.ok)
    return (
      <div role="alert" data-testid="scenario-error">
        <p>
          <strong>{result.code}</strong>: {result.message}
        </p>
        {result.problems.length > 1 && (
          <ul className="small">
            {result.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
      </div>
    );
  return <Report result={result} runLink={runLink} startMs={startMs} />;
}

function Report({
  result,
  runLink,
  startMs,
}: ResultProps & { result: Extract<ScenarioResult, { ok: true }> }) {
  const href = useMemo(
    () => URL.createObjectURL(new Blob([result.report], { type: 'application/json' })),
    [result.report],
  );
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <div data-testid="scenario-result">
      <p>
        <strong data-testid="scenario-verdict">
          {result.valid ? 'Every promised property held.' : 'A promised property was violated.'}
        </strong>{' '}
        <span className="muted small">
          seed {result.seed} · {Math.round(result.wallMs).toLocaleString('en-US')} ms · trace hash{' '}
          <code data-testid="scenario-trace-hash">{result.traceHash}</code>
        </span>{' '}
        <a href={href} download={`${result.name}-seed${result.seed}.json`} data-testid="scenario-download">
          Download the report
        </a>
      </p>
      <ReplayView
        trace={result.replay}
        dataCentreOf={result.dataCentreOf}
        faults={result.faults}
        operations={result.operations}
        traces={result.traces}
        runLink={runLink}
        startMs={startMs}
      />
      <pre className="scenario-summary" data-testid="scenario-summary">
        {result.summary}
      </pre>
    </div>
  );
}
