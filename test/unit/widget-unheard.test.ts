import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/protocol';
import { unheardReplies } from '../../widget/app/unheard';

const message = (id: string, author: 'agent' | 'visitor'): MessageView => ({ id, conversationId: 'c1', clientId: `k${id}`, author, text: `text ${id}`, createdAt: 1 });
const history = [message('9-0', 'visitor'), message('10-0', 'agent'), message('11-0', 'visitor'), message('12-0', 'agent'), message('12-1', 'agent')];
const ids = (list: MessageView[]) => list.map((m) => m.id);

describe('the replies a returning visitor has not heard of', () => {
  it('are every agent message when the visitor saw none and the badge counted none', () => {
    expect(ids(unheardReplies(history, undefined, undefined))).toEqual(['10-0', '12-0', '12-1']);
  });

  it('are the agent messages after the visitor’s seen mark, compared as stream ids, not strings', () => {
    expect(ids(unheardReplies(history, '10-0', undefined))).toEqual(['12-0', '12-1']);
  });

  it('leave out what the badge already counted, so a reload never counts a reply twice', () => {
    expect(ids(unheardReplies(history, '10-0', '12-0'))).toEqual(['12-1']);
    expect(ids(unheardReplies(history, undefined, '12-1'))).toEqual([]);
  });

  it('never count the visitor’s own messages', () => {
    expect(ids(unheardReplies([message('9-0', 'visitor'), message('11-0', 'visitor')], undefined, undefined))).toEqual([]);
  });
});
