/** The short form before the first message, on a site whose `prechat.mode` is not `off`. */
import { useState } from 'preact/hooks';
import type { QueueName } from '../../../shared/queues';
import { prechatComplete } from '../prechat';

export interface PrechatLabels {
  intro: string;
  name: string;
  email: string;
  topicQuestion: string;
  topicService: string;
  topicSupport: string;
  start: string;
  skip: string;
}

export interface PrechatAnswers {
  name?: string;
  email?: string;
  topic?: QueueName;
}

export function PrechatForm(props: {
  mode: 'optional' | 'required';
  fields: readonly ('name' | 'email')[];
  topicQuestion: boolean;
  topic: QueueName | null;
  labels: PrechatLabels;
  onSubmit(answers: PrechatAnswers): void;
  onSkip(): void;
}) {
  const { mode, fields, labels } = props;
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [topic, setTopic] = useState<QueueName | null>(props.topic);
  const required = mode === 'required';
  return (
    <form
      class="sb-leave sb-prechat"
      aria-label={labels.intro}
      onSubmit={(e) => {
        e.preventDefault();
        if (!prechatComplete(mode, fields, { name, email })) return;
        props.onSubmit({ ...(name.trim() ? { name: name.trim() } : {}), ...(email.trim() ? { email: email.trim() } : {}), ...(topic ? { topic } : {}) });
      }}
    >
      <p>{labels.intro}</p>
      {fields.includes('name') && (
        <label>
          {labels.name}
          <input name="name" required={required} maxLength={100} autoComplete="name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
      )}
      {fields.includes('email') && (
        <label>
          {labels.email}
          <input name="email" type="email" required={required} maxLength={254} autoComplete="email" value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </label>
      )}
      {props.topicQuestion && (
        <fieldset class="sb-topics">
          <legend>{labels.topicQuestion}</legend>
          {(['service', 'support'] as const).map((queue) => (
            <label key={queue}>
              <input type="radio" name="topic" value={queue} checked={topic === queue} onChange={() => setTopic(queue)} />
              {queue === 'service' ? labels.topicService : labels.topicSupport}
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit">{labels.start}</button>
      {!required && (
        <button type="button" class="sb-skip" onClick={props.onSkip}>
          {labels.skip}
        </button>
      )}
    </form>
  );
}
