/**
 * The status each agent chose (online, away or offline), for the agents connected to this process:
 * their heartbeat renews it, except offline, which is said once and kept. An agent with no entry
 * here takes the status the store has (what they chose before a reload or a log-in elsewhere), or
 * online when they never chose: opening the console is saying "I am here".
 */
import type { AgentId } from '../../shared/ids';
import type { PresenceSetPayload } from '../../shared/schemas';

export type ChosenStatus = PresenceSetPayload['status'];

export interface AgentStatuses {
  get(agentId: AgentId): ChosenStatus | undefined;
  set(agentId: AgentId, status: ChosenStatus): void;
}

export function createAgentStatuses(): AgentStatuses {
  const chosen = new Map<AgentId, ChosenStatus>();
  return {
    get: (agentId) => chosen.get(agentId),
    set: (agentId, status) => void chosen.set(agentId, status),
  };
}
