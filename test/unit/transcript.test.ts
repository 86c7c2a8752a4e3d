/** The transcript a visitor downloads (widget/app/transcript.ts): names, local times, every message in order. */
import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/protocol';
import { transcriptText } from '../../widget/app/transcript';

const message = (author: 'visitor' | 'agent', text: string, createdAt: number, agentName?: string): MessageView => ({
  id: `${createdAt}-0`,
  conversationId: 'c1',
  clientId: `client-${createdAt}`,
  author,
  text,
  createdAt,
  ...(agentName ? { agentName } : {}),
});

describe('transcriptText', () => {
  it('writes one block per message with its author and the time in the visitor’s zone', () => {
    const at = Date.UTC(2026, 11, 7, 9, 5);
    const text = transcriptText(
      [message('visitor', 'Hello\nanyone?', at), message('agent', 'Hi, Robin here', at + 60_000, 'Robin'), message('agent', 'Done', at + 120_000)],
      { title: 'Conversation with Shop', you: 'You', agent: 'Agent' },
      'en-GB',
      'Europe/Paris',
    );
    expect(text).toBe(
      'Conversation with Shop\n\n[07/12/2026, 10:05] You: Hello\n    anyone?\n[07/12/2026, 10:06] Robin (Agent): Hi, Robin here\n[07/12/2026, 10:07] Agent: Done\n',
    );
  });
});
