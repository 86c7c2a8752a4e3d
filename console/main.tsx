/** The console page: log-in, then the workspace, or the KPI dashboard at `#dashboard`. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AgentView } from '../shared/schemas';
import type { LoggedOutReason } from './agent-connection';
import { api } from './api';
import { DashboardScreen } from './screens/dashboard';
import { LoginScreen } from './screens/login';
import { WorkspaceScreen } from './screens/workspace';

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
