/**
 * The status each agent chose (online or away), for the agents connected to this process: their
 * heartbeat renews it. Default online: opening the console is saying "I am here".
 */
import type { AgentId } from '../../shared/ids';

export type ChosenStatus = 'online' | 'away';

export interface AgentStatuses {
  get(agentId: AgentId): ChosenStatus;
  set(agentId: AgentId, status: ChosenStatus): void;
}

export function createAgentStatuses(): AgentStatuses {
  const chosen = new Map<AgentId, ChosenStatus>();
  return {
    get: (agentId) => chosen.get(agentId) ?? 'online',
    set: (agentId, status) => void chosen.set(agentId, status),
  };
}
