/** The console page: log-in, then the workspace, the KPI dashboard at `#dashboard`, or History at `#history`. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AgentView } from '../shared/schemas';
import { api } from './api';
import { DashboardScreen } from './screens/dashboard';
import { HistoryScreen } from './screens/history';
import { isHistoryHash } from './screens/history-link';
import { LoginScreen } from './screens/login';
import { WorkspaceScreen } from './screens/workspace';

function Console() {
  const [agent, setAgent] = useState<AgentView | null | undefined>(undefined);
  const [view, setView] = useState(location.hash);
  useEffect(() => {
    void api.currentAgent().then(setAgent);
    const onHash = () => setView(location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (agent === undefined) return <p class="loading">Loading…</p>;
  if (agent === null) return <LoginScreen onLoggedIn={setAgent} />;
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
  return <WorkspaceScreen agent={agent} onLoggedOut={() => setAgent(null)} />;
}

render(<Console />, document.getElementById('app')!);
