import type { Namespace, Server } from 'socket.io';
import type {
  AgentClientEvents,
  AgentServerEvents,
  AgentSocketData,
  InterServerEvents,
  VisitorClientEvents,
  VisitorServerEvents,
  VisitorSocketData,
} from '../shared/protocol';
import type { Config } from './config';
import type { AgentAccounts } from './domain/agents';
import type { ConversationService } from './domain/conversations';
import type { VisitorTokens } from './domain/visitor-tokens';
import type { Store } from './store/store';

export type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents, InterServerEvents, VisitorSocketData>;
export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, InterServerEvents, AgentSocketData>;

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>;
    store: Store;
    conversations: ConversationService;
    agentAccounts: AgentAccounts;
    visitorTokens: VisitorTokens;
    io: Server;
    visitors: VisitorNamespace;
    agents: AgentNamespace;
  }
}
