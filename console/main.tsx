/** The console page: log-in, then the workspace. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AgentView } from '../shared/schemas';
import { api } from './api';
import { LoginScreen } from './screens/login';
import { WorkspaceScreen } from './screens/workspace';

function Console() {
  const [agent, setAgent] = useState<AgentView | null | undefined>(undefined);
  useEffect(() => {
    void api.currentAgent().then(setAgent);
  }, []);
  if (agent === undefined) return <p class="loading">Loading…</p>;
  if (agent === null) return <LoginScreen onLoggedIn={setAgent} />;
  return <WorkspaceScreen agent={agent} onLoggedOut={() => setAgent(null)} />;
}

render(<Console />, document.getElementById('app')!);
