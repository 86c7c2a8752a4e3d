/**
 * The console page: log-in, then the workspace, the KPI dashboard at `#dashboard`, or (admins) the
 * Settings area at `#settings[/<section>]`, or History at `#history`, a lazy chunk so agents never download it.
 */
import { render, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AgentView } from '../shared/schemas';
import type { LoggedOutReason } from './agent-connection';
import { api } from './api';
import { DashboardScreen } from './screens/dashboard';
import { HistoryScreen } from './screens/history';
import { isHistoryHash } from './screens/history-link';
import { LoginScreen } from './screens/login';
import { PasswordResetScreen } from './screens/password-reset';
import { WorkspaceScreen } from './screens/workspace';

type SettingsScreenType = ComponentType<{ agent: AgentView; hash: string }>;

/** The Settings screen, imported on first visit. */
function LazySettings({ agent, hash }: { agent: AgentView; hash: string }) {
  const [Screen, setScreen] = useState<SettingsScreenType | null | 'failed'>(null);
  useEffect(() => {
    import('./settings/settings-screen').then(
      (m) => setScreen(() => m.SettingsScreen),
      () => setScreen('failed'),
    );
  }, []);
  if (Screen === 'failed') return <p class="error" role="alert">Settings could not be loaded. Reload to try again.</p>;
  return Screen ? <Screen agent={agent} hash={hash} /> : <p class="loading">Loading…</p>;
}

function Console() {
  const [agent, setAgent] = useState<AgentView | null | undefined>(undefined);
  const [view, setView] = useState(location.hash);
  /** Why the console went back to the log-in, said there. */
  const [ended, setEnded] = useState<LoggedOutReason | undefined>(undefined);
  useEffect(() => {
    void api.currentAgent().then(setAgent);
    const onHash = () => setView(location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (agent === undefined) return <p class="loading">Loading…</p>;
  if (agent === null && (view === '#forgot' || view.startsWith('#reset='))) return <PasswordResetScreen hash={view} />;
  if (agent === null) return <LoginScreen onLoggedIn={(a) => (setEnded(undefined), setAgent(a))} ended={ended} />;
  if (view === '#dashboard') {
    return (
      <div class="dashboard-page">
        <header class="top">
          <h1>Switchboard · KPIs</h1>
          <a href="#">Back to conversations</a>
        </header>
        <DashboardScreen agent={agent} />
      </div>
    );
  }
  if (isHistoryHash(view)) {
    return (
      <div class="history-page">
        <header class="top">
          <h1>Switchboard · History</h1>
          <a class="link" href="#">
            Back to conversations
          </a>
        </header>
        <HistoryScreen agent={agent} hash={view} />
      </div>
    );
  }
  if (view === '#settings' || view.startsWith('#settings/')) {
    return (
      <div class="settings-page">
        <header class="top">
          <h1>Switchboard · Settings</h1>
          <a href="#">Back to conversations</a>
        </header>
        <LazySettings agent={agent} hash={view} />
      </div>
    );
  }
  return (
    <WorkspaceScreen
      agent={agent}
      onLoggedOut={(reason) => {
        setEnded(reason);
        setAgent(null);
      }}
    />
  );
}

render(<Console />, document.getElementById('app')!);
