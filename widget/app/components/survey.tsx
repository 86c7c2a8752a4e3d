import { useState } from 'preact/hooks';

export interface SurveyAnswer {
  csat?: number;
  ces?: number;
  nps?: number;
  comment?: string;
}

export interface SurveyProps {
  /** CSAT 1–5 for a service conversation, customer effort 1–7 for a support one. */
  kind: 'csat' | 'ces';
  /** Ask NPS 0–10 as well. */
  nps: boolean;
  labels: { question: string; low: string; high: string; npsQuestion: string; comment: string; send: string; skip: string };
  onSubmit(answer: SurveyAnswer): void;
  onSkip(): void;
}

/** One row of numbered choices, a radio group that reads well with a keyboard and a screen reader. */
function Scale({ from, to, value, label, low, high, onPick }: { from: number; to: number; value: number | null; label: string; low: string; high: string; onPick(v: number): void }) {
  const values = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  return (
    <fieldset class="sb-scale">
      <legend>{label}</legend>
      <div role="radiogroup" aria-label={label}>
        {values.map((v) => (
          <button type="button" key={v} role="radio" aria-checked={value === v} onClick={() => onPick(v)}>
            {v}
          </button>
        ))}
      </div>
      <small>
        <span>{low}</span>
        <span>{high}</span>
      </small>
    </fieldset>
  );
}

/** The end-of-chat survey: one question that fits the queue, NPS when the site asks it, an optional comment; skippable. */
export function Survey({ kind, nps, labels, onSubmit, onSkip }: SurveyProps) {
  const [score, setScore] = useState<number | null>(null);
  const [promoter, setPromoter] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  return (
    <form
      class="sb-survey"
      onSubmit={(e) => {
        e.preventDefault();
        if (score === null) return;
        onSubmit({ [kind]: score, ...(nps && promoter !== null ? { nps: promoter } : {}), ...(comment.trim() ? { comment: comment.trim() } : {}) });
      }}
    >
      <Scale from={1} to={kind === 'csat' ? 5 : 7} value={score} label={labels.question} low={labels.low} high={labels.high} onPick={setScore} />
      {nps && <Scale from={0} to={10} value={promoter} label={labels.npsQuestion} low="0" high="10" onPick={setPromoter} />}
      <label>
        {labels.comment}
        <textarea rows={2} maxLength={1000} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
      </label>
      <div class="sb-survey-actions">
        <button type="submit" disabled={score === null}>
          {labels.send}
        </button>
        <button type="button" onClick={onSkip}>
          {labels.skip}
        </button>
      </div>
    </form>
  );
}
