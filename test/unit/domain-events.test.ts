import { describe, expect, it } from 'vitest';
import { createDomainEvents, tellingAll } from '../../server/domain/events';

const identity = { userId: 'u1', verified: false };

describe('the domain event bus', () => {
  it('calls subscribers in order, a prepended one first, each up to its first await before the next', async () => {
    const events = createDomainEvents(() => 1_000);
    const calls: string[] = [];
    events.on('visitor.identified', async () => {
      calls.push('kpis started');
      await Promise.resolve();
      calls.push('kpis done');
    });
    events.onAny(() => void calls.push('webhooks'));
    events.prepend('visitor.identified', () => void calls.push('wire'));
    const event = await events.emit('visitor.identified', 'site_1', { identity, conversation: null }, { origin: 'socket-1' });
    expect(calls).toEqual(['wire', 'kpis started', 'webhooks', 'kpis done']);
    expect(event).toMatchObject({ type: 'visitor.identified', siteKey: 'site_1', at: 1_000, origin: 'socket-1', data: { identity } });
    expect(event.id).toMatch(/^ev_/);
  });

  it('settles only once every subscriber has, and re-throws a failure after the others ran', async () => {
    const events = createDomainEvents();
    let slowDone = false;
    events.on('visitor.identified', () => {
      throw new Error('kpi store down');
    });
    events.on('visitor.identified', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      slowDone = true;
    });
    await expect(events.emit('visitor.identified', 'site_1', { identity, conversation: null })).rejects.toThrow('kpi store down');
    expect(slowDone).toBe(true);
  });

  it('stops calling a subscriber once it unsubscribed, and gives every event its own id', async () => {
    const events = createDomainEvents();
    const seen: string[] = [];
    const stop = events.on('visitor.identified', (e) => void seen.push(e.id));
    const first = await events.emit('visitor.identified', 'site_1', { identity, conversation: null });
    stop();
    const second = await events.emit('visitor.identified', 'site_1', { identity, conversation: null });
    expect(seen).toEqual([first.id]);
    expect(second.id).not.toBe(first.id);
  });
});

describe('telling every event of a use case', () => {
  it('tells them all, then re-throws the first failure', async () => {
    const events = createDomainEvents();
    const seen: string[] = [];
    events.on('visitor.identified', (e) => {
      seen.push(e.data.identity.userId);
      if (e.data.identity.userId === 'first') throw new Error('first failed');
    });
    const told = tellingAll();
    await told.tell(events.emit('visitor.identified', 'site_1', { identity: { userId: 'first', verified: false }, conversation: null }));
    await told.tell(events.emit('visitor.identified', 'site_1', { identity: { userId: 'second', verified: false }, conversation: null }));
    expect(seen).toEqual(['first', 'second']);
    expect(() => told.settle()).toThrow('first failed');
  });
});
