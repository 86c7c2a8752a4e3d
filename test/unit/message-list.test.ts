import { expect, it } from 'vitest';
import { compareMessageIds } from '../../shared/ids';
import { mergeMessages } from '../../shared/message-list';
import type { MessageView } from '../../shared/protocol';

const message = (id: string): MessageView => ({ id, conversationId: 'c', clientId: `k${id}`, author: 'visitor', text: id, createdAt: 0 });

it('shows each stored message once, in stored order, however often and in whatever order it arrives', () => {
  const shown = mergeMessages([message('9-0')], [message('10-0'), message('9-0'), message('9-1')]);
  expect(shown.map((m) => m.id)).toEqual(['9-0', '9-1', '10-0']);
  expect(mergeMessages(shown, [message('10-0')])).toBe(shown);
});

it('orders stream ids by number, not as strings', () => {
  expect(['10-0', '9-5', '9-10'].sort(compareMessageIds)).toEqual(['9-5', '9-10', '10-0']);
});
