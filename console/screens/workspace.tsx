import { useEffect, useMemo, useState } from 'preact/hooks';
import { createStateStore } from '../../shared/state-store';
import { useStore } from '../../shared/use-store';
import type { AgentView } from '../../shared/schemas';
import { connectAgent, type LoggedOutReason } from '../agent-connection';
import { useAlerts } from '../alerts/use-alerts';
import { api } from '../api';
import { AlertsMenu } from '../components/alerts-menu';
import { ConversationPane } from '../components/conversation-pane';
import { canOpenSettings } from '../settings/sections';
import { TeamView } from './team';
import { MyConversations } from '../components/my-conversations';
import { PresenceControl } from '../components/presence-control';
import { QueueList } from '../components/queue-list';
import { ShortcutsOverlay } from '../components/shortcuts-overlay';
import { VisitorContextBox } from '../components/visitor-context';
import { useShortcuts } from '../keyboard/use-shortcuts';
import { focusChat, stepSelection } from '../inbox/selection';
import { initialState, openCount } from '../workspace-store';

export function WorkspaceScreen({ agent, onLoggedOut }: { agent: AgentView; onLoggedOut(reason?: LoggedOutReason): void }) {
  const store = useMemo(() => createStateStore(initialState(agent)), [agent.id]);
  const alerts = useAlerts(store, (id) => focusChat(store, id));
  const connection = useMemo(() => connectAgent(store, onLoggedOut, (alert) => alerts.alert(alert)), [store]);
  useEffect(() => () => connection.close(), [connection]);
  useEffect(() => {
    void api.cannedReplies(agent.siteKey).then(({ replies, siteName }) => store.setState({ cannedReplies: replies, siteName }), () => undefined);
  }, [store]);
  const lead = agent.role === 'lead' || agent.role === 'admin';
  const [teamShown, showTeam] = useState(false);
  const state = useStore(store, (s) => s);
  const selected = state.conversations.find((c) => c.id === state.selectedId) ?? null;
  const [helpOpen, setHelpOpen] = useState(false);
  const keymap = useShortcuts();
  useEffect(() => {
    const unbind = [
      keymap.bind('help', () => setHelpOpen(true)),
      keymap.bind('next-chat', () => stepSelection(store, 1)),
      keymap.bind('previous-chat', () => stepSelection(store, -1)),
      keymap.bind('take-next', () => void connection.takeNext()),
    ];
    return () => unbind.forEach((u) => u());
  }, [keymap, connection]);

  return (
    <div class="workspace">
      <header class="top">
        <h1>Switchboard</h1>
        <span class="me">
          {state.agent.name} · {state.agent.skills.join(' & ')} · {openCount(state)} / {state.agent.capacity} open
        </span>
        <PresenceControl connection={state.connection} presence={state.presence} onChange={(status) => void connection.setPresence(status)} />
        <AlertsMenu settings={alerts.settings} onChange={alerts.change} />
        <button type="button" class="link" aria-keyshortcuts="?" onClick={() => setHelpOpen(true)}>
          Shortcuts
        </button>
        {lead && (
          <button type="button" class="link" aria-pressed={teamShown} onClick={() => showTeam(!teamShown)}>
            Team
          </button>
        )}
        <a class="link" href="#dashboard">
          Dashboard
        </a>
        <a class="link" href="#history" data-shortcut="search" aria-keyshortcuts="Alt+F">
          History
        </a>
        {canOpenSettings(agent) && (
          <a class="link" href="#settings">
            Settings
          </a>
        )}
        <a class="link" href="#settings/account">
          Account
        </a>
        <button
          type="button"
          class="link"
          onClick={async () => {
            connection.close();
            await api.logOut();
            onLoggedOut();
          }}
        >
          Log out
        </button>
      </header>
      <aside class="side">
        <MyConversations
          conversations={state.conversations}
          messages={state.messages}
          agentSeen={Object.fromEntries(Object.entries(state.lastSeen).map(([id, seen]) => [id, seen.agent]))}
          typing={state.typing}
          selectedId={state.selectedId}
          onSelect={(id) => store.setState({ selectedId: id })}
        />
        <div class="take-next">
          <button type="button" aria-keyshortcuts="Alt+N" onClick={() => void connection.takeNext()}>
            Take next
          </button>
        </div>
        {state.queues.map((q) => (
          <QueueList key={q.queue} snapshot={q} onTake={(id) => void connection.take(id)} />
        ))}
      </aside>
      <main class="main">
        {state.error && (
          <p class="error" role="alert">
            {state.error.message}
          </p>
        )}
        {teamShown ? (
          <TeamView
            team={state.team}
            loadTeam={() => connection.loadTeam()}
            reassign={(id, to) => connection.reassign(id, to)}
            siteKey={agent.siteKey}
            onCannedChanged={(cannedReplies) => store.setState({ cannedReplies })}
          />
        ) : selected ? (
          <ConversationPane
            key={selected.id}
            conversation={selected}
            messages={state.messages[selected.id] ?? []}
            pending={state.pending.filter((p) => p.conversationId === selected.id)}
            onReply={(text) => connection.reply(selected.id, text)}
            categories={state.categories[selected.queue]}
            onResolve={(category) => void connection.resolve(selected.id, category)}
            onTransfer={(queue, note) => void connection.transfer(selected.id, queue, note)}
            onFlagRoute={() => connection.flagRoute(selected.id)}
            onRelease={() => void connection.release(selected.id)}
            emailEnabled={state.emailEnabled}
            visitorTyping={state.typing[selected.id] ?? false}
            seenId={state.lastSeen[selected.id]?.visitor}
            onDraft={(text) => connection.draft(selected.id, text)}
            onSeen={(id) => connection.seen(selected.id, id)}
            onNote={(text) => void connection.note(selected.id, text)}
            onHandOver={(agentId, note) => void connection.handOver(selected.id, agentId, note)}
            loadTeam={() => connection.loadTeam()}
            me={state.agent}
            cannedReplies={state.cannedReplies}
            siteName={state.siteName}
          />
        ) : (
          <p class="placeholder">No conversation selected.</p>
        )}
      </main>
      {selected && <VisitorContextBox key={selected.id} conversation={selected} loadHistory={() => connection.history(selected.id)} />}
      {helpOpen && <ShortcutsOverlay keymap={keymap} onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
