import { useEffect, useMemo, useState } from 'preact/hooks';
import { createStateStore } from '../../shared/state-store';
import { useStore } from '../../shared/use-store';
import type { AgentView } from '../../shared/schemas';
import { connectAgent } from '../agent-connection';
import { api } from '../api';
import { ConversationPane } from '../components/conversation-pane';
import { QueueList } from '../components/queue-list';
import { initialState, openCount, type AgentPresence } from '../workspace-store';
import { TeamView } from './team';

export function WorkspaceScreen({ agent, onLoggedOut }: { agent: AgentView; onLoggedOut(): void }) {
  const store = useMemo(() => createStateStore(initialState(agent)), [agent.id]);
  const connection = useMemo(() => connectAgent(store, onLoggedOut), [store]);
  useEffect(() => () => connection.close(), [connection]);
  useEffect(() => {
    void api.cannedReplies(agent.siteKey).then(({ replies, siteName }) => store.setState({ cannedReplies: replies, siteName }), () => undefined);
  }, [store]);
  const lead = agent.role === 'lead' || agent.role === 'admin';
  const [teamShown, showTeam] = useState(false);
  const state = useStore(store, (s) => s);
  const selected = state.conversations.find((c) => c.id === state.selectedId) ?? null;
  const mine = state.conversations;

  return (
    <div class="workspace">
      <header class="top">
        <h1>Switchboard</h1>
        <span class={`conn ${state.connection}`} role="status">
          {state.connection === 'online' ? 'Online' : state.connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
        <span class="me">
          {state.agent.name} · {state.agent.skills.join(' & ')} · {openCount(state)} / {state.agent.capacity} open
        </span>
        <label class="presence">
          Status
          <select value={state.presence} onChange={(e) => void connection.setPresence((e.target as HTMLSelectElement).value as AgentPresence)}>
            <option value="online">Online</option>
            <option value="away">Away</option>
            <option value="offline">Offline</option>
          </select>
        </label>
        {lead && (
          <button type="button" class="link" aria-pressed={teamShown} onClick={() => showTeam(!teamShown)}>
            Team
          </button>
        )}
        <a class="link" href="#dashboard">
          Dashboard
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
        <section class="mine" aria-labelledby="mine-heading">
          <h2 id="mine-heading">My conversations</h2>
          {mine.length === 0 ? (
            <p class="empty">Take a conversation from a queue to start.</p>
          ) : (
            <ul>
              {mine.map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    class={`pick ${c.id === state.selectedId ? 'current' : ''} ${c.status}`}
                    aria-current={c.id === state.selectedId}
                    onClick={() => store.setState({ selectedId: c.id })}
                  >
                    <span class="preview">{c.preview}</span>
                    <span class="meta">
                      {c.queue} · {c.status === 'resolved' ? 'resolved' : 'open'}
                      {c.status === 'active' && state.typing[c.id] && <span class="typing"> · typing…</span>}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div class="take-next">
          <button type="button" onClick={() => void connection.takeNext()}>
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
    </div>
  );
}
