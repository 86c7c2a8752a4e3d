import type { RefObject } from 'preact';
import { MAX_MESSAGE_LENGTH } from '../../../shared/limits';
import { useEffect, useRef, useState } from 'preact/hooks';
import { focusFirst, focusLost, trapTab } from '../focus';
import { isPhone } from '../phone';
import type { QueuePosition } from '../../../shared/protocol';
import { Composer } from '../components/composer';
import { EndOfChat } from '../components/end-of-chat';
import { MessageList } from '../components/message-list';
import { Survey, type SurveyAnswer } from '../components/survey';
import { PrechatForm, type PrechatAnswers } from '../components/prechat';
import { showsPrechat } from '../prechat';
import { translate, type Locale } from '../i18n/en';
import { errorKey } from '../i18n/errors';
import type { StateStore } from '../../../shared/state-store';
import { useStore } from '../../../shared/use-store';
import { initialsOf } from '../initials';
import { reopenable, type WidgetState } from '../store';

export interface ChatScreenProps {
  store: StateStore<WidgetState>;
  locale: Locale;
  onSend(text: string): void;
  onNewConversation(): void;
  onTopic(topic: 'service' | 'support'): void;
  onLeaveMessage(message: { name: string; email: string; text: string }): void;
  onRate(answer: SurveyAnswer): void;
  onSkipSurvey(): void;
  onClose(): void;
  inputRef: RefObject<HTMLTextAreaElement>;
  /** The visitor's draft changed (the typing signal). */
  onDraft?(text: string): void;
  /** End of chat: the transcript as a text file. */
  onDownloadTranscript?(): void;
  /** End of chat: emails the transcript; null once queued, or why not. */
  onEmailTranscript?(email: string): Promise<string | null>;
  /** Prefills the transcript's email. */
  knownEmail?: string | undefined;
  /** Pre-chat: the form's answers, or Skip on an `optional` site. */
  onPrechat?(answers: PrechatAnswers | null): void;
  /** Sends a file into the open conversation (paperclip, paste, drop). */
  onAttach?(file: File): void;
  /** The server's URL: attachments' links are relative to it. */
  serverUrl?: string;
}

function LeaveMessageForm({ t, onSubmit }: { t: Translate; onSubmit(message: { name: string; email: string; text: string }): void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [text, setText] = useState('');
  const value = (setter: (v: string) => void) => (e: Event) => setter((e.target as HTMLInputElement).value);
  return (
    <form
      class="sb-leave"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim() && email.includes('@') && text.trim()) onSubmit({ name: name.trim(), email: email.trim(), text });
      }}
    >
      <p>{t('leaveIntro')}</p>
      <label>
        {t('leaveName')}
        <input required maxLength={100} autoComplete="name" value={name} onInput={value(setName)} />
      </label>
      <label>
        {t('leaveEmail')}
        <input required type="email" maxLength={254} autoComplete="email" value={email} onInput={value(setEmail)} />
      </label>
      <label>
        {t('leaveMessage')}
        <textarea required rows={3} maxLength={MAX_MESSAGE_LENGTH} value={text} onInput={value(setText)} />
      </label>
      <button type="submit">{t('leaveSend')}</button>
    </form>
  );
}

type Translate = (key: Parameters<typeof translate>[1], values?: Record<string, string | number>) => string;

/** What a waiting visitor reads: their place in line and about how long, as far as we know. */
function waitingLine(t: Translate, queueName: 'service' | 'support', position: QueuePosition | null, hadAgent: boolean, transferred = false): string {
  const queue = t(queueName === 'support' ? 'queueSupport' : 'queueService');
  // Nobody left to answer: said first, whatever happened before (the place in line is kept).
  if (position?.agentsOnline === 0) return t('nobodyAvailable');
  if (transferred) return t('transferred', { queue });
  if (hadAgent) return t('backInLine');
  if (!position) return t('waiting', { queue });
  if (position.estimatedWaitMs === null) return t('nobodyOnline', { queue });
  if (position.position === 1 && position.estimatedWaitMs < 60_000) return t('positionSoon', { queue });
  const minutes = Math.round(position.estimatedWaitMs / 60_000);
  return t('position', { position: position.position, queue, wait: minutes < 1 ? t('underAMinute') : t('minutes', { n: minutes }) });
}

export function ChatScreen({ store, locale, onSend, onNewConversation, onTopic, onLeaveMessage, onRate, onSkipSurvey, onClose, inputRef, onDraft, onPrechat, onAttach, serverUrl, ...endOfChat }: ChatScreenProps) {
  const t = (key: Parameters<typeof translate>[1], values?: Record<string, string | number>) => translate(locale, key, values);
  const state = useStore(store, (s) => s);
  const avatarUrl = state.site?.avatarUrl;
  const { conversation } = state;
  /** Nobody online: 'form' while the visitor fills in the leave-an-email form, 'left' once it is sent. */
  const [leaving, setLeaving] = useState<'no' | 'form' | 'left'>('no');
  const queueOf = (queue: string) => t(queue === 'support' ? 'queueSupport' : 'queueService');
  const lines = state.lines.map((l) => ({ after: l.after, text: t(l.key, l.values.queue ? { ...l.values, queue: queueOf(l.values.queue) } : l.values) }));
  const agentName = conversation?.status === 'active' ? conversation.assignedAgentName : undefined;
  // Waiting with nobody online: the visitor keeps their place, and may leave their email instead.
  const nobodyThere = conversation?.status === 'waiting' && !conversation.leftMessage && leaving !== 'left' && state.position?.agentsOnline === 0;
  const ended = conversation?.status === 'resolved';

  // Where the visitor stands goes under the header, not into the transcript, so it never sits out of order.
  const standing =
    conversation?.status === 'waiting' && (conversation.leftMessage || leaving === 'left')
      ? t('leftThanks')
      : conversation?.status === 'waiting' && conversation.reopenedAt !== undefined && !state.messages.some((m) => m.author === 'agent' && m.createdAt > conversation.reopenedAt!)
      ? t('reopened')
      : conversation?.status === 'waiting'
      ? waitingLine(t, conversation.queue, state.position, state.messages.some((m) => m.author === 'agent'), state.lines.at(-1)?.key === 'transferred')
      : agentName
        ? t('joined', { agent: agentName })
        : null;
  const notices = state.refused.map((r) => t('refused', { reason: t(errorKey(r.error.code)) }));
  if (ended) notices.push(t('ended'));
  const surveyOpen = ended && !conversation.rating && state.surveyDone !== conversation.id;
  if (ended && (conversation.rating || state.surveyDone === conversation.id)) notices.push(t('surveyThanks'));
  const offerForm = !conversation && state.pending.length === 0 && state.site && !state.site.available;
  const refused = state.connection === 'refused';
  // Before the first message on a site that asks who the visitor is (not while it offers to leave a message).
  const prechat = !refused && !offerForm && onPrechat && state.site && showsPrechat(state, state.prechatDone ?? false) ? state.site.prechat : null;

  // What the bottom of the window holds; when it changes under the visitor's focus (the session said
  // nobody is online and the form replaced the composer), focus moves to the new one instead of the page.
  const mode = refused ? 'refused' : prechat ? 'prechat' : nobodyThere && leaving === 'form' ? 'leave' : offerForm ? 'offer' : surveyOpen ? 'survey' : ended ? 'ended' : 'compose';
  const windowRef = useRef<HTMLElement>(null);
  // Files go into an open conversation only, on a site that takes them.
  const attach = (conversation?.status === 'waiting' || conversation?.status === 'active') && state.site?.maxFileBytes ? onAttach : undefined;
  const dropFiles = (e: DragEvent) => {
    if (!attach || !e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    if (e.type === 'drop') [...e.dataTransfer.files].forEach(attach);
  };
  useEffect(() => {
    const el = windowRef.current;
    if (el && focusLost(el)) focusFirst(el);
  }, [mode]);

  return (
    <section
      ref={windowRef}
      class="sb-window"
      aria-label={t('title')}
      // Full screen on a phone, it is a dialog there: Tab stays inside it. Escape closes it from anywhere, in every state.
      {...(isPhone() ? { role: 'dialog', 'aria-modal': 'true' } : {})}
      onDragOver={dropFiles}
      onDrop={dropFiles}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        } else if (e.key === 'Tab' && isPhone() && windowRef.current) trapTab(e, windowRef.current);
      }}
    >
      <header class="sb-header">
        {avatarUrl && <img class="sb-avatar" src={avatarUrl} alt="" width={32} height={32} referrerpolicy="no-referrer" />}
        <h2>{t('title')}</h2>
        <button type="button" class="sb-icon" aria-label={t('close')} onClick={onClose}>
          ×
        </button>
      </header>
      {refused && (
        <p class="sb-banner sb-refused" role="alert">
          {t(errorKey(state.refusal?.code ?? 'INTERNAL'))}
        </p>
      )}
      {!refused && state.connection !== 'online' && (
        <p class="sb-banner" role="status">
          {state.connection === 'connecting' ? t('connecting') : t('offline')}
        </p>
      )}
      {!refused && standing && (
        <p class="sb-standing" role="status">
          {agentName && (
            <span class="sb-avatar" aria-hidden="true">
              {initialsOf(agentName)}
            </span>
          )}
          {standing}
        </p>
      )}
      {!refused && !conversation && state.messages.length === 0 && <p class="sb-greeting">{t('greeting')}</p>}
      {!refused && !prechat && !conversation && state.pending.length === 0 && state.site?.topicQuestion && (
        <div class="sb-topics" role="group" aria-label={t('topicQuestion')}>
          <p>{t('topicQuestion')}</p>
          {(['service', 'support'] as const).map((topic) => (
            <button type="button" key={topic} aria-pressed={state.topic === topic} onClick={() => onTopic(topic)}>
              {t(topic === 'service' ? 'topicService' : 'topicSupport')}
            </button>
          ))}
        </div>
      )}
      {refused ? (
        <div class="sb-log" />
      ) : (
        <MessageList
          label={t('transcript')}
          messages={state.messages}
          pending={state.pending}
          sendingLabel={t('sending')}
          youLabel={t('you')}
          agentLabel={t('agent')}
          notices={notices}
          agentInitials={state.site?.agentInitials ?? false}
          lines={lines}
          seenId={state.lastSeen.agent}
          seenLabel={t('seen')}
          typing={state.agentTyping && agentName ? t('agentTyping', { agent: agentName }) : null}
          uploads={state.uploads}
          uploadingLabel={(name) => t('uploading', { name })}
          base={serverUrl}
        />
      )}
      {prechat && prechat.mode !== 'off' && onPrechat ? (
        <PrechatForm
          mode={prechat.mode}
          fields={prechat.fields}
          topicQuestion={state.site?.topicQuestion ?? false}
          topic={state.topic}
          labels={{
            intro: t('prechatIntro'),
            name: t('leaveName'),
            email: t('leaveEmail'),
            topicQuestion: t('topicQuestion'),
            topicService: t('topicService'),
            topicSupport: t('topicSupport'),
            start: t('prechatStart'),
            skip: t('prechatSkip'),
          }}
          onSubmit={onPrechat}
          onSkip={() => onPrechat(null)}
        />
      ) : refused ? (
        <Composer inputRef={inputRef} label={t('message')} placeholder={t('placeholder')} sendLabel={t('send')} tooLongLabel="" onSend={() => undefined} disabled />
      ) : nobodyThere && leaving === 'form' ? (
        <LeaveMessageForm
          t={t}
          onSubmit={(left) => {
            setLeaving('left');
            onLeaveMessage(left);
          }}
        />
      ) : offerForm ? (
        <LeaveMessageForm t={t} onSubmit={onLeaveMessage} />
      ) : surveyOpen ? (
        <Survey
          kind={conversation.queue === 'service' ? 'csat' : 'ces'}
          nps={state.site?.npsSurvey ?? false}
          labels={{
            question: t(conversation.queue === 'service' ? 'csatQuestion' : 'cesQuestion'),
            low: t(conversation.queue === 'service' ? 'csatLow' : 'cesLow'),
            high: t(conversation.queue === 'service' ? 'csatHigh' : 'cesHigh'),
            npsQuestion: t('npsQuestion'),
            comment: t('surveyComment'),
            send: t('surveySend'),
            skip: t('surveySkip'),
          }}
          onSubmit={onRate}
          onSkip={onSkipSurvey}
        />
      ) : (
        <>
          {(!ended || reopenable(state)) && (
            <Composer
              inputRef={inputRef}
              label={t('message')}
              placeholder={t(ended ? 'replyPlaceholder' : 'placeholder')}
              sendLabel={t('send')}
              tooLongLabel={t('tooLong', { max: MAX_MESSAGE_LENGTH })}
              onSend={onSend}
              onDraft={onDraft}
              onAttach={attach}
              attachLabel={t('attach')}
            />
          )}
          {nobodyThere && (
            <button type="button" class="sb-new" onClick={() => setLeaving('form')}>
              {t('leaveEmailOffer')}
            </button>
          )}
          {ended && (
            <EndOfChat
              labels={{
                download: t('transcriptDownload'),
                email: t('transcriptEmail'),
                emailField: t('leaveEmail'),
                emailSend: t('transcriptEmailSend'),
                emailSent: t('transcriptEmailSent'),
                newConversation: t('newConversation'),
              }}
              knownEmail={endOfChat.knownEmail}
              onDownload={() => endOfChat.onDownloadTranscript?.()}
              onEmail={(email) => endOfChat.onEmailTranscript?.(email) ?? Promise.resolve(null)}
              onNew={onNewConversation}
            />
          )}
        </>
      )}
    </section>
  );
}
