/** `mountWidget(root, deps)`: the widget's composition root; no module-level state. */
import { createRef, render } from 'preact';
import { createClientId } from '../../shared/ids';
import { mergeMessages } from '../../shared/message-list';
import { createOutbox } from '../../shared/outbox';
import { en, translate, type Locale } from './i18n/en';
import { ChatScreen } from './screens/chat';
import type { PendingMessage, WidgetStorage } from './storage';
import { createStateStore } from '../../shared/state-store';
import { reopenable, type WidgetState } from './store';
import type { VisitorTransport } from './transport';
import type { MessageView, SiteInfo, VisitorMessageSent } from '../../shared/protocol';
import type { VisitorIdentifyPayload, WidgetLanguage } from '../../shared/schemas';
import { prechatIdentity } from './prechat';
import { useStore } from '../../shared/use-store';
import { loadCatalogue } from './i18n/catalogues';
import { chooseLanguage } from './i18n/language';
import { siteLocale } from './i18n/site-locale';
import { wireSignals } from './signals-wiring';
import type { AgentMessageInfo } from './boot-config';
import { downloadText, transcriptText } from './transcript';
import { unheardReplies } from './unheard';
import { focusFirst } from './focus';
import { loadUploader } from './attach';
import type { ErrorCode } from '../../shared/errors';

export interface WidgetDeps {
  transport: VisitorTransport;
  storage: WidgetStorage;
  config: {
    /** The Switchboard server's origin: files are sent there, and their links are relative to it. */
    serverUrl?: string;
    siteKey?: string;
    close(): void;
    /** One fixed catalogue, whatever the browser's languages (tests). */
    locale?: Locale;
    /** An agent's message arrived: @returns the unread count the loader keeps. */
    onAgentMessage?(message: AgentMessageInfo): number;
    /** The email to prefill for "Email me the transcript" (identify, a left message). */
    knownEmail?(): string | undefined;
    /** The script tag's `data-lang`: wins over the browser's languages. */
    scriptLang?: string | undefined;
    /** `navigator.languages`, most wanted first. @default [] */
    browserLanguages?: readonly string[];
    /** Called when the site's look or the language changes, to theme what is around the app (main.tsx). */
    onLook?(site: SiteInfo | null, lang: WidgetLanguage): void;
    /** The page identified the visitor (`Switchboard.identify`): no pre-chat form. */
    identified?: boolean;
    /** Pre-chat answers: the unverified identity to send as `visitor:identify` (main.tsx keeps it for the transcript's email). */
    onIdentify?(identity: VisitorIdentifyPayload): void;
    /** The catalogue in use, with the site's wording, whenever it changes (the launcher's labels). */
    onLocale?(locale: Locale): void;
  };
}

export function mountWidget(root: HTMLElement, { transport, storage, config }: WidgetDeps) {
  const persisted = storage.load();
  let token = persisted.token;
  const store = createStateStore<WidgetState>({
    connection: 'connecting',
    site: null,
    topic: null,
    conversation: null,
    position: null,
    messages: [],
    pending: persisted.outbox ?? [],
    refused: [],
    surveyDone: null,
    agentTyping: false,
    lastSeen: {},
    lines: [],
    prechatDone: config.identified ?? false,
  });
  // The language is known before the session (data-lang, the browser's); the site's default only
  // counts when none of the browser's languages has a catalogue, so it may change once the session comes.
  const ui = createStateStore<{ lang: WidgetLanguage; catalogue: Locale }>({ lang: 'en', catalogue: config.locale ?? en });
  let wanted: WidgetLanguage | undefined;
  const pickLanguage = (siteDefault: WidgetLanguage) => {
    const lang = chooseLanguage({ scriptLang: config.scriptLang, browserLanguages: config.browserLanguages ?? [], siteDefault });
    if (config.locale || lang === wanted) return;
    wanted = lang;
    loadCatalogue(lang)
      .then((catalogue) => {
        if (wanted === lang) ui.setState({ lang, catalogue });
      })
      // A chunk that failed to load leaves the visitor in English rather than without words.
      .catch(() => undefined);
  };
  const tellLook = () => {
    config.onLook?.(store.getState().site, ui.getState().lang);
    config.onLocale?.(siteLocale(ui.getState().catalogue, store.getState().site, ui.getState().lang));
  };
  ui.subscribe(tellLook);
  pickLanguage('en');

  const signals = wireSignals(store, transport);
  const tellAgentMessage = (message: MessageView) => {
    storage.hear?.(message.id);
    config.onAgentMessage?.({ text: message.text, ...(message.agentName ? { agentName: message.agentName } : {}), at: message.createdAt });
  };
  const withoutPending = (clientId: string) => store.getState().pending.filter((p) => p.clientId !== clientId);

  const outbox = createOutbox<PendingMessage, VisitorMessageSent>(
    {
      send: (item) => transport.send(item),
      onSent: (item, sent) => {
        // The router moved the conversation on this very message: the broadcast of it skips this
        // tab (its ack says it), so the ack's queue is taken, with its line in the transcript.
        const shown = store.getState().conversation;
        const rerouted = shown?.id === sent.conversation.id && shown.status === 'waiting' && sent.conversation.status === 'waiting' && shown.queue !== sent.conversation.queue;
        if (rerouted) signals.conversationChanged(sent.conversation, sent.message.id);
        store.setState((s) => {
          const same = s.conversation?.id === sent.conversation.id;
          return {
            pending: withoutPending(item.clientId),
            // The ack carries the conversation as it was when stored; a push may already have brought a
            // newer state. A reply that reopened it is newer than the ended one on screen.
            conversation: same && !rerouted && !(item.reopen && s.conversation?.status === 'resolved') ? s.conversation : sent.conversation,
            messages: mergeMessages(same ? s.messages : [], [sent.message]),
          };
        });
      },
      onRefused: (item, error) =>
        store.setState((s) => ({ pending: withoutPending(item.clientId), refused: [...s.refused, { message: item, error }] })),
      onChange: (items) => storage.save({ ...(token ? { token } : {}), outbox: [...items] }),
    },
    persisted.outbox ?? [],
  );

  transport.start({
    onSession(session) {
      token = session.token;
      storage.save({ token, outbox: [...outbox.items] });
      // Replies that came while the visitor was away reach the badge as live ones do (closed: unread).
      const shown = new Set(store.getState().messages.map((m) => m.id));
      const unheard = unheardReplies(session.messages.filter((m) => !shown.has(m.id)), session.lastSeen?.visitor, storage.heard?.());
      store.setState((s) => {
        if (!session.conversation) return { site: session.site, conversation: s.conversation?.status === 'resolved' ? s.conversation : null };
        const same = s.conversation?.id === session.conversation.id;
        return {
          site: session.site,
          position: session.position,
          conversation: session.conversation,
          messages: mergeMessages(same ? s.messages : [], session.messages),
          lastSeen: session.lastSeen,
          ...(same ? {} : { lines: [] }),
        };
      });
      unheard.forEach(tellAgentMessage);
      outbox.flush();
      pickLanguage(session.site.defaultLanguage);
      tellLook();
    },
    onPosition(position) {
      store.setState((s) => (s.conversation?.id === position.conversationId ? { position } : {}));
    },
    onMessage(message) {
      if (message.author === 'agent') {
        tellAgentMessage(message);
        store.setState({ agentTyping: false });
      }
      store.setState((s) => ({
        messages: s.conversation && s.conversation.id !== message.conversationId ? s.messages : mergeMessages(s.messages, [message]),
      }));
    },
    onConversation(conversation) {
      signals.conversationChanged(conversation);
      store.setState((s) => ({
        conversation,
        messages: s.conversation && s.conversation.id !== conversation.id ? [] : s.messages,
      }));
    },
    onTyping: signals.typing,
    onSeen: signals.seen,
    onConnection(connection) {
      // A refusal is for good: no "Reconnecting…" over "chat is not enabled on this website".
      if (store.getState().connection === 'refused') return;
      store.setState({ connection });
      if (connection === 'online') outbox.flush();
    },
    onRefused(error) {
      store.setState({ connection: 'refused', refusal: error });
    },
  });

  const send = (text: string, leave?: { name: string; email: string }) => {
    const state = store.getState();
    // Nothing would ever deliver it: not queued, not shown as "Sending…" (the composer is disabled too).
    if (state.connection === 'refused') return;
    const { topic, conversation } = state;
    // A reply soon after the end continues the same conversation, on the same screen.
    const continued = leave ? null : reopenable(state);
    const starting = !continued && (!conversation || conversation.status === 'resolved');
    const item: PendingMessage = {
      clientId: createClientId(),
      text,
      ...(continued ? { reopen: continued.id } : {}),
      ...(starting && topic ? { topic } : {}),
      // A left message joins a waiting conversation too (nobody online: the visitor leaves their email).
      ...(leave ? { leave } : {}),
    };
    store.setState((s) => ({
      pending: [...s.pending, item],
      ...(starting && s.conversation?.status === 'resolved' ? { conversation: null, messages: [] } : {}),
    }));
    outbox.add(item);
    signals.draft('');
  };

  /** Sends a file into the open conversation; the upload module is fetched on the first one. */
  const attach = (file: File) => {
    const { conversation, site } = store.getState();
    if (!conversation || !token || !site || !config.serverUrl || !config.siteKey) return;
    const id = createClientId();
    const setUpload = (done: number | null) =>
      store.setState((s) => ({ uploads: [...(s.uploads ?? []).filter((u) => u.id !== id), ...(done === null ? [] : [{ id, name: file.name, done }])] }));
    setUpload(0);
    loadUploader()
      .then(({ sendFile }) =>
        sendFile({ serverUrl: config.serverUrl!, siteKey: config.siteKey!, token: token!, conversationId: conversation.id, file, clientId: id, maxBytes: site.maxFileBytes, onProgress: setUpload }),
      )
      .catch(() => ({ ok: false as const, code: 'INTERNAL' }))
      .then((res) => {
        setUpload(null);
        store.setState((s) =>
          res.ok
            ? { messages: s.conversation?.id === res.message.conversationId ? mergeMessages(s.messages, [res.message]) : s.messages }
            : { refused: [...s.refused, { message: { clientId: id, text: file.name }, error: { code: res.code as ErrorCode, message: '' } }] },
        );
      });
  };

  const inputRef = createRef<HTMLTextAreaElement>();
  const useSiteLocale = () => {
    const { lang, catalogue } = useStore(ui, (s) => s);
    return siteLocale(catalogue, useStore(store, (s) => s.site), lang);
  };
  const Widget = () => (
    <ChatScreen
      store={store}
      locale={useSiteLocale()}
      onSend={(text) => send(text)}
      onLeaveMessage={(message) => send(message.text, { name: message.name, email: message.email })}
      onPrechat={(answers) => {
        const identity = answers && prechatIdentity(answers, createClientId);
        if (identity) config.onIdentify?.(identity);
        // The composer comes once the server holds the identity, so a quick first message is not refused.
        void Promise.resolve(identity ? transport.identify(identity) : undefined).then(() => {
          store.setState((s) => ({ prechatDone: true, topic: answers?.topic ?? s.topic }));
          setTimeout(() => inputRef.current?.focus());
        });
      }}
      onTopic={(topic) => {
        store.setState({ topic });
        setTimeout(() => inputRef.current?.focus());
      }}
      onNewConversation={() => {
        store.setState({ conversation: null, messages: [], refused: [], topic: null });
        setTimeout(() => inputRef.current?.focus());
      }}
      onRate={(answer) => {
        const { conversation } = store.getState();
        if (!conversation) return;
        store.setState({ surveyDone: conversation.id });
        transport
          .rate({ conversationId: conversation.id, ...answer })
          .then((res) => {
            if (res.ok) store.setState((s) => (s.conversation?.id === res.data.id ? { conversation: res.data } : {}));
          })
          // Not worth bothering the visitor about: the survey is a courtesy.
          .catch(() => undefined);
      }}
      onSkipSurvey={() => store.setState((s) => ({ surveyDone: s.conversation?.id ?? null }))}
      onClose={config.close}
      onDraft={signals.draft}
      onAttach={attach}
      {...(config.serverUrl ? { serverUrl: config.serverUrl } : {})}
      inputRef={inputRef}
      knownEmail={config.knownEmail?.()}
      onDownloadTranscript={() => {
        const { messages, site } = store.getState();
        const locale = config.locale ?? en;
        const title = translate(locale, 'transcriptFile', { site: site?.name ?? '' });
        const day = new Date(messages[0]?.createdAt ?? Date.now()).toISOString().slice(0, 10);
        downloadText(transcriptText(messages, { title, you: locale.you, agent: locale.agent }), `transcript-${day}.txt`);
      }}
      onEmailTranscript={async (email) => {
        const { conversation } = store.getState();
        if (!conversation) return null;
        try {
          const res = await transport.transcript({ conversationId: conversation.id, ...(email ? { email } : {}) });
          return res.ok ? null : res.error.message;
        } catch {
          return (config.locale ?? en).offline;
        }
      }}
    />
  );
  render(<Widget />, root);

  return {
    store,
    // The composer, or the first field of whatever the window shows instead (the leave-a-message form).
    focus: () => (inputRef.current && !inputRef.current.disabled ? inputRef.current.focus() : focusFirst(root)),
    unmount() {
      outbox.stop();
      transport.stop();
      render(null, root);
    },
  };
}
