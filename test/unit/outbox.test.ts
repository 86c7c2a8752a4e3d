import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOutbox } from '../../shared/outbox';
import type { Ack, MessageSent } from '../../shared/protocol';

type Item = { clientId: string; text: string };

const sentAck = (item: Item): Ack<MessageSent> => ({
  ok: true,
  data: {
    duplicate: false,
    message: { id: '1-0', conversationId: 'c1', clientId: item.clientId, author: 'visitor', text: item.text, createdAt: 1 },
    conversation: {} as MessageSent['conversation'],
  },
});

describe('the outbox: messages wait until acked, in order, retried with the same client id', () => {
  afterEach(() => vi.useRealTimers());

  it('sends in order and reports each as sent', async () => {
    const attempts: string[] = [];
    const sent: string[] = [];
    const outbox = createOutbox<Item>({
      send: async (item) => (attempts.push(item.clientId), sentAck(item)),
      onSent: (item) => sent.push(item.clientId),
      onRefused: () => {},
    });
    outbox.add({ clientId: 'a', text: '1' });
    outbox.add({ clientId: 'b', text: '2' });
    await vi.waitFor(() => expect(sent).toEqual(['a', 'b']));
    expect(attempts).toEqual(['a', 'b']);
    expect(outbox.items).toEqual([]);
  });

  it('retries a message whose ack never came, with the same client id, and keeps the ones behind it waiting', async () => {
    vi.useFakeTimers();
    let fail = true;
    const attempts: string[] = [];
    const changes: number[] = [];
    const outbox = createOutbox<Item>({
      send: async (item) => {
        attempts.push(item.clientId);
        if (fail) throw new Error('timeout');
        return sentAck(item);
      },
      onSent: () => {},
      onRefused: () => {},
      onChange: (items) => changes.push(items.length),
      retryMs: 1000,
    });
    outbox.add({ clientId: 'a', text: '1' });
    outbox.add({ clientId: 'b', text: '2' });
    await vi.advanceTimersByTimeAsync(0);
    expect(attempts).toEqual(['a']);
    expect(outbox.items.map((i) => i.clientId)).toEqual(['a', 'b']);
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(attempts).toEqual(['a', 'a', 'b']);
    expect(outbox.items).toEqual([]);
    expect(changes.at(-1)).toBe(0);
  });

  it('retries a message the server could not store yet (UNAVAILABLE: its store out of reach), and refuses nothing', async () => {
    vi.useFakeTimers();
    let storeDown = true;
    const attempts: string[] = [];
    const refused: string[] = [];
    const sent: string[] = [];
    const outbox = createOutbox<Item>({
      send: async (item) => {
        attempts.push(item.clientId);
        return storeDown ? { ok: false, error: { code: 'UNAVAILABLE', message: 'store out of reach' } } : sentAck(item);
      },
      onSent: (item) => sent.push(item.clientId),
      onRefused: (item) => refused.push(item.clientId),
      retryMs: 1000,
    });
    outbox.add({ clientId: 'a', text: 'while Redis restarts' });
    outbox.add({ clientId: 'b', text: 'right behind it' });
    await vi.advanceTimersByTimeAsync(2000);
    expect(attempts).toEqual(['a', 'a', 'a']);
    expect(outbox.items.map((i) => i.clientId)).toEqual(['a', 'b']);
    storeDown = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual(['a', 'b']);
    expect(refused).toEqual([]);
  });

  it('gives up on a message the server refused and goes on with the next', async () => {
    const refused: string[] = [];
    const sent: string[] = [];
    const outbox = createOutbox<Item>({
      send: async (item) =>
        item.clientId === 'bad' ? { ok: false, error: { code: 'MESSAGE_TOO_LONG', message: 'too long' } } : sentAck(item),
      onSent: (item) => sent.push(item.clientId),
      onRefused: (item, error) => refused.push(`${item.clientId}:${error.code}`),
    });
    outbox.add({ clientId: 'bad', text: 'x'.repeat(5000) });
    outbox.add({ clientId: 'good', text: 'ok' });
    await vi.waitFor(() => expect(sent).toEqual(['good']));
    expect(refused).toEqual(['bad:MESSAGE_TOO_LONG']);
  });

  it('starts with what was waiting before a reload', async () => {
    const sent: string[] = [];
    const outbox = createOutbox<Item>(
      { send: async (item) => sentAck(item), onSent: (item) => sent.push(item.clientId), onRefused: () => {} },
      [{ clientId: 'saved', text: 'from before the reload' }],
    );
    outbox.flush();
    await vi.waitFor(() => expect(sent).toEqual(['saved']));
  });
});
