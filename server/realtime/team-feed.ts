/**
 * The lead's live view: whenever the team changes (presence, a conversation waiting, taken, moved
 * or ended), the site's leads and admins get the whole team again as `team:updated`. Debounced
 * per site, so a burst (an agent going offline gives back all their conversations) is one push.
 */
import type { FastifyInstance } from 'fastify';
import type { SiteKey } from '../../shared/ids';
import type { DomainEventType } from '../domain/events';
import { rooms } from './rooms';

/** A burst of changes within this is told once; short enough that a lead sees it at once. */
const TEAM_UPDATE_DELAY_MS = 200;

/** About how long the namespace takes to write a closed console's presence (under load). */
const DISCONNECT_SETTLE_MS = 500;

const TEAM_EVENTS: DomainEventType[] = [
  'conversation.created',
  'conversation.rerouted',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.released',
  'conversation.resolved',
  'conversation.reopened',
  'conversation.abandoned',
  'visitor.identified',
  'agent.presence_changed',
  'agent.updated',
];

export function feedTeam(app: FastifyInstance): { stop(): void } {
  const pending = new Map<SiteKey, ReturnType<typeof setTimeout>>();
  let stopped = false;
  const send = async (siteKey: SiteKey) => {
    const room = rooms.team(siteKey);
    // Read only when some lead listens (on any process: the adapter answers for all of them).
    if ((await app.agents.in(room).fetchSockets()).length === 0) return;
    // Everyone in the room sees the full view: a lead's or admin's.
    const team = await app.team.snapshot({ id: '', role: 'lead', siteKey, email: '', name: '', skills: [], capacity: 0 });
    app.agents.to(room).emit('team:updated', team);
  };
  const changed = (siteKey: SiteKey) => {
    if (stopped || pending.has(siteKey)) return;
    const timer = setTimeout(() => {
      pending.delete(siteKey);
      send(siteKey).catch((error: unknown) => app.log.warn({ err: error }, 'team update failed'));
    }, TEAM_UPDATE_DELAY_MS);
    timer.unref();
    pending.set(siteKey, timer);
  };
  for (const type of TEAM_EVENTS) app.events.on(type, ({ siteKey }) => changed(siteKey));
  // A console connecting or closing changes presence without an event (heartbeat, grace period):
  // told once its presence is written (the namespace's own handlers run first).
  app.agents.on('connection', (socket) => {
    const { siteKey } = socket.data.agent;
    changed(siteKey);
    socket.on('disconnect', () => {
      if (stopped) return;
      setTimeout(() => changed(siteKey), DISCONNECT_SETTLE_MS).unref();
    });
  });
  return {
    stop() {
      stopped = true;
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}
