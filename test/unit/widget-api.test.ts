/** `window.Switchboard` (widget/loader/api.ts, checks.ts): the snippet's queue, events, and the page-side checks. */
import { describe, expect, it, vi } from 'vitest';
import { createApi, type ApiTarget } from '../../widget/loader/api';
import * as checks from '../../widget/loader/checks';
import { identityProblem, mergeContext } from '../../widget/loader/checks';

function harness() {
  const calls: unknown[][] = [];
  const target: ApiTarget = {
    setOpen: (open) => void calls.push(['setOpen', open]),
    identify: (identity) => void calls.push(['identify', identity]),
    setContext: (custom) => void calls.push(['setContext', custom]),
    setSound: (on) => void calls.push(['setSound', on]),
  };
  const log = { error: vi.fn() };
  const api = createApi(target, async () => checks, log);
  /** Lets the lazily loaded checks answer. */
  const settle = () => new Promise((resolve) => setTimeout(resolve));
  return { calls, log, settle, ...api };
}

describe('the snippet queue', () => {
  it('replays the calls made before the loader, in order, then tells ready to listeners queued and later', async () => {
    const { api, start, calls, settle } = harness();
    const ready = vi.fn();
    const opened = vi.fn();
    start([['on', 'ready', ready], ['identify', { userId: 'u1', name: 'Ada' }], ['open'], ['setSound', true], ['on', 'open', opened]]);
    await settle();
    expect(calls).toEqual([['setOpen', true], ['setSound', true], ['identify', { userId: 'u1', name: 'Ada' }]]);
    expect(ready).toHaveBeenCalledTimes(1);
    const late = vi.fn();
    api.on('ready', late);
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('reports an unknown queued call instead of dropping it silently', () => {
    const { start, log, api } = harness();
    const errors = vi.fn();
    api.on('error', errors);
    start([['opne'], ['_']]);
    expect(errors.mock.calls.map(([e]) => e)).toEqual([
      { code: 'PAYLOAD_INVALID', message: 'opne is invalid' },
      { code: 'PAYLOAD_INVALID', message: '_ is invalid' },
    ]);
    expect(log.error).toHaveBeenCalledWith('[Switchboard] opne is invalid');
  });
});

describe('events', () => {
  it('calls each listener until it is removed, and one that throws stops neither the others nor the widget', () => {
    const { api, emit, log } = harness();
    const first = vi.fn(() => {
      throw new Error('page bug');
    });
    const second = vi.fn();
    api.on('unread', first);
    api.on('unread', second);
    emit('unread', 2);
    expect(second).toHaveBeenCalledWith(2);
    expect(log.error).toHaveBeenCalled();
    api.off('unread', second);
    emit('unread', 3);
    expect(second).toHaveBeenCalledTimes(1);
    expect(first).toHaveBeenCalledTimes(2);
  });
});

describe('identify', () => {
  it('passes a well-formed identity on, and reports a malformed one to the console and to error listeners, keeping nothing', async () => {
    const { api, calls, log, settle } = harness();
    const errors = vi.fn();
    api.on('error', errors);
    api.identify({ userId: 'u1', email: 'ada@example.com', hash: 'a'.repeat(64) });
    api.identify({ userId: 'u2', email: 'not an email' });
    api.identify({ userId: '' } as never);
    api.identify('u3' as never);
    await settle();
    expect(calls).toEqual([['identify', { userId: 'u1', email: 'ada@example.com', hash: 'a'.repeat(64) }]]);
    expect(errors.mock.calls.map(([e]) => e.message)).toEqual(['identify: email is invalid', 'identify: userId is invalid', 'identify: identity is invalid']);
    expect(log.error).toHaveBeenCalledWith('[Switchboard] identify: email is invalid');
  });

  it('names the field at fault, as the server schema would', () => {
    expect(identityProblem({ userId: 'u' })).toBe('');
    expect(identityProblem({ userId: 'u', name: 'Ada', email: 'a@b', hash: 'F'.repeat(64) })).toBe('');
    expect(identityProblem({ name: 'Ada' })).toBe('userId');
    expect(identityProblem({ userId: 'x'.repeat(129) })).toBe('userId');
    expect(identityProblem({ userId: 'u', name: '' })).toBe('name');
    expect(identityProblem({ userId: 'u', hash: 'zz' })).toBe('hash');
    expect(identityProblem({ userId: 'u', admin: true })).toBe('admin');
    expect(identityProblem(null)).toBe('identity');
  });
});

describe('setContext', () => {
  it('merges facts, removes a key set to null, and reports what the server would refuse', async () => {
    const { api, calls, settle } = harness();
    const errors = vi.fn();
    api.on('error', errors);
    api.setContext({ plan: 'pro', cartValue: 129.5 });
    api.setContext({ orderNumber: 'A-1001', plan: null });
    api.setContext({ nested: { a: 1 } } as never);
    await settle();
    expect(calls).toEqual([
      ['setContext', { plan: 'pro', cartValue: 129.5 }],
      ['setContext', { cartValue: 129.5, orderNumber: 'A-1001' }],
    ]);
    expect(errors.mock.calls.map(([e]) => e)).toEqual([{ code: 'PAYLOAD_INVALID', message: 'setContext: nested is invalid' }]);
  });

  it('holds keys, values and their count to the schema bounds', () => {
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
    expect(mergeContext({}, twenty)).toEqual(twenty);
    expect(mergeContext(twenty, { one: 'more' })).toBe('');
    expect(mergeContext({}, { ['k'.repeat(41)]: 1 })).toBe('k'.repeat(41));
    expect(mergeContext({}, { note: 'v'.repeat(201) })).toBe('note');
    expect(mergeContext({}, { note: 'v'.repeat(200), n: -1.5 })).toEqual({ note: 'v'.repeat(200), n: -1.5 });
    expect(mergeContext({}, { n: Number.NaN })).toBe('n');
    expect(mergeContext({}, { flag: true })).toBe('flag');
    expect(mergeContext({}, [1])).toBe('');
  });
});
