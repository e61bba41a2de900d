/**
 * The lesson bar (SPEC §2 lessons): under the header, across the page, so it hides none of the
 * controls a lesson asks for. One step at a time: what to look at, a prediction to commit to (the
 * answer and why appear only once chosen), what to do on the live cluster — the bar sees it done
 * from the lab's state (lessonModel.ts) — and what to check. Next opens once the step's prediction
 * is answered and its action done; a step's evidence counts only from the moment it began.
 *
 * Opened from the header's Lessons button or a link (`?lesson=quorums`); loaded when first opened.
 */

import { useEffect, useState } from 'react';
import { type Lesson, type Since, sinceNow } from '../lessons/lessonModel.ts';
import { lessons } from '../lessons/lessons.ts';
import type { LabState } from '../live/labStore.ts';
import { quoteLinkValue } from '../live/pageLink.ts';
import type { ClusterSettings } from '../live/settings.ts';

interface Props {
  state: LabState;
  lessonId: string;
  onLesson: (id: string) => void;
  onClose: () => void;
  /** Applies settings as the Settings tab does; resolves with the refusal's sentence, or null. */
  onApplySettings: (settings: ClusterSettings) => Promise<string | null>;
}

export function LessonBar({ state, lessonId, onLesson, onClose, onApplySettings }: Props) {
  const lesson = lessons.find((l) => l.id === lessonId) ?? (lessons[0] as Lesson);
  const [index, setIndex] = useState(0);
  const [since, setSince] = useState<Since>(() => sinceNow(state));
  const [chosen, setChosen] = useState<number | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [done, setDone] = useState(false);
  const [applying, setApplying] = useState<'no' | 'yes' | string>('no');
  const step = lesson.steps[index] ?? lesson.steps[0];
  const goTo = (i: number) => {
    setIndex(i);
    setSince(sinceNow(state));
    setChosen(null);
    setRevealed(false);
    setDone(false);
    setApplying('no');
  };
  // A new lesson starts at its first step.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a change of lesson restarts it
  useEffect(() => goTo(0), [lesson.id]);
  // Latched: the evidence (a recorded request, an event) may scroll out of the state later.
  useEffect(() => {
    if (!done && step?.act?.done(state, since)) setDone(true);
  }, [state, since, step, done]);
  if (!step) return null;
  const predicted = !step.predict || revealed;
  const acted = !step.act || done;
  const last = index === lesson.steps.length - 1;
  const setUp = step.act?.settings;
  return (
    <section className="panel lesson-bar" aria-label="Lesson" data-testid="lesson-bar">
      <div className="form-row wrap">
        <select
          value={lesson.id}
          onChange={(e) => onLesson(e.target.value)}
          aria-label="Lesson"
          data-testid="lesson-choice"
        >
          {lessons.map((l) => (
            <option key={l.id} value={l.id}>
              {l.title}
            </option>
          ))}
        </select>
        {lessonId !== lesson.id && (
          <span className="refusal" data-testid="lesson-unknown">
            No lesson is called {quoteLinkValue(lessonId)}: here is the first.
          </span>
        )}
        <b data-testid="lesson-step">
          Step {index + 1} of {lesson.steps.length}: {step.title}
        </b>
        <span className="spacer" />
        <button
          type="button"
          onClick={() => goTo(index - 1)}
          disabled={index === 0}
          data-testid="lesson-back"
        >
          ← Back
        </button>
        <button
          type="button"
          onClick={() => (last ? onLesson(nextLesson(lesson.id)) : goTo(index + 1))}
          disabled={!predicted || !acted}
          data-testid="lesson-next"
        >
          {last ? 'Next lesson →' : 'Next →'}
        </button>
        <button type="button" onClick={onClose} aria-label="Close the lesson" data-testid="lesson-close">
          ×
        </button>
      </div>
      <p className="lesson-text">{step.text}</p>
      {step.predict && (
        <Predict
          prediction={step.predict}
          chosen={chosen}
          revealed={revealed}
          onChoose={setChosen}
          onReveal={() => setRevealed(true)}
        />
      )}
      {step.act && predicted && (
        <p data-testid="lesson-act" data-done={done ? 'yes' : 'no'}>
          <b>Do:</b> {step.act.instruction}{' '}
          <span className={done ? 'ok-text' : 'muted'}>
            {done ? '✓ done' : '… waiting for it in the lab'}
          </span>
          {setUp && !done && (
            <SetUp
              applying={applying}
              onApply={() => {
                setApplying('yes');
                void onApplySettings(setUp(state.settings)).then((refusal) => setApplying(refusal ?? 'no'));
              }}
            />
          )}
        </p>
      )}
      {step.check && acted && predicted && (
        <p className="small" data-testid="lesson-check">
          <b>Check:</b> {step.check}
        </p>
      )}
    </section>
  );
}

/** "Apply it for me": the step's settings change, or why the lab refused it. */
function SetUp({ applying, onApply }: { applying: 'no' | 'yes' | string; onApply: () => void }) {
  return (
    <>
      {' '}
      <button type="button" onClick={onApply} disabled={applying === 'yes'} data-testid="lesson-setup">
        {applying === 'yes' ? 'Applying…' : 'Apply it for me'}
      </button>
      {applying !== 'no' && applying !== 'yes' && (
        <span className="refusal" role="alert" data-testid="lesson-setup-refused">
          {' '}
          {applying}
        </span>
      )}
    </>
  );
}

function nextLesson(id: string): string {
  const i = lessons.findIndex((l) => l.id === id);
  return (lessons[(i + 1) % lessons.length] as Lesson).id;
}

interface PredictProps {
  prediction: NonNullable<Lesson['steps'][number]['predict']>;
  chosen: number | null;
  revealed: boolean;
  onChoose: (i: number) => void;
  onReveal: () => void;
}

function Predict({ prediction, chosen, revealed, onChoose, onReveal }: PredictProps) {
  const right = chosen === prediction.answer;
  return (
    <fieldset className="lesson-predict" data-testid="lesson-predict">
      <legend>Predict: {prediction.question}</legend>
      {prediction.options.map((option, i) => (
        <label key={option}>
          <input
            type="radio"
            name="lesson-prediction"
            checked={chosen === i}
            disabled={revealed}
            onChange={() => onChoose(i)}
            data-testid={`lesson-option-${i}`}
          />{' '}
          {option}
          {revealed && i === prediction.answer && ' ✓'}
        </label>
      ))}
      {revealed ? (
        <p className={right ? 'ok-text' : 'fail-text'} data-testid="lesson-verdict">
          {right ? '✓ Right. ' : '✕ Not quite. '}
          {prediction.why}
        </p>
      ) : (
        <button type="button" disabled={chosen === null} onClick={onReveal} data-testid="lesson-reveal">
          Commit to this answer
        </button>
      )}
    </fieldset>
  );
}
