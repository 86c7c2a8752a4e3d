/** History's pure parts: highlight marks to ranges, the cursor, the console's links. */
import { describe, expect, it } from 'vitest';
import { historyHref, isHistoryHash, parseHistoryHash } from '../../console/screens/history-link';
import { historyQuery } from '../../console/history-api';
import { decodeCursor, encodeCursor } from '../../server/domain/history';
import { parseHeadline } from '../../server/store/archive/sql-archive';
import { searchConfigOf } from '../../server/store/archive/archive';

describe('history', () => {
  it('turns ts_headline marks into plain text and ranges, ignoring stray marks', () => {
    expect(parseHeadline('the \u0002order\u0003 <b>4411</b> \u0002late\u0003')).toEqual({ text: 'the order <b>4411</b> late', marks: [[4, 9], [22, 26]] });
    expect(parseHeadline('\u0003x\u0002\u0003')).toEqual({ text: 'x', marks: [] });
  });

  it('round-trips a cursor and refuses anything else', () => {
    const after = { createdAt: 1_796_634_000_000, id: 'c_9x' };
    expect(decodeCursor(encodeCursor(after))).toEqual(after);
    for (const bad of ['x', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[-1,"c"]').toString('base64url'), Buffer.from('[1,"a b"]').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: 'HISTORY_CURSOR_INVALID' }));
    }
  });

  it('picks the text-search configuration of the visitor’s language', () => {
    expect([searchConfigOf('fr-CA'), searchConfigOf('pt-BR'), searchConfigOf('EN'), searchConfigOf('ar'), searchConfigOf(undefined)]).toEqual(['french', 'portuguese', 'english', 'simple', 'simple']);
  });

  it('links to a visitor’s previous conversations and reads the link back', () => {
    expect(historyHref({ visitor: 'v_1' })).toBe('#history?visitor=v_1');
    expect(historyHref({})).toBe('#history');
    const href = historyHref({ q: '"order 4411" & co', email: 'a+b@example.com', status: 'resolved' });
    expect(isHistoryHash(href)).toBe(true);
    expect(isHistoryHash('#historyx')).toBe(false);
    expect(parseHistoryHash(href)).toEqual({ q: '"order 4411" & co', email: 'a+b@example.com', status: 'resolved' });
  });

  it('sends the agent’s local days as instants, `to` including its whole day', () => {
    const params = historyQuery({ q: '  refund ', from: '2026-12-01', to: '2026-12-01', queue: 'service' });
    expect(params.get('q')).toBe('refund');
    expect(Number(params.get('to')) - Number(params.get('from'))).toBe(86_400_000);
    expect(params.get('queue')).toBe('service');
    expect(params.has('agent')).toBe(false);
  });
});
