/** The source locale: its keys type every other locale. */
export const en = {
  title: 'Chat with us',
  close: 'Close chat',
  connecting: 'Connecting…',
  offline: 'Reconnecting… your messages will be sent when the connection is back.',
  greeting: 'Hi! Ask us anything: we usually answer within a few minutes.',
  waiting: 'Thanks! You are in line for the {queue} team; an agent will join shortly.',
  position: 'You are number {position} in line for the {queue} team · {wait}.',
  positionSoon: 'You are next in line for the {queue} team: an agent will be with you shortly.',
  nobodyOnline: 'No one from the {queue} team is online right now; stay here or leave your message and we will answer as soon as we can.',
  backInLine: 'Your agent had to step away: you are back at the front of the line.',
  minutes: 'about {n} min',
  leaveIntro: 'We are not available to chat right now. Leave a message and we will answer here (and keep your email to reach you).',
  leaveName: 'Name',
  leaveEmail: 'Email',
  leaveMessage: 'Your message',
  leaveSend: 'Send message',
  leftThanks: 'Thanks! Your message is with us; the answer will appear here when you come back.',
  underAMinute: 'less than a minute',
  queueService: 'customer service',
  queueSupport: 'technical support',
  joined: 'You are chatting with {agent}.',
  ended: 'This conversation has ended. Thanks for chatting with us!',
  newConversation: 'Start a new conversation',
  message: 'Message',
  placeholder: 'Type your message…',
  send: 'Send',
  sending: 'Sending…',
  you: 'You',
  agent: 'Agent',
  refused: 'Not sent: {reason}',
  transcript: 'Conversation',
  topicQuestion: 'What can we help you with?',
  topicService: 'General question',
  topicSupport: 'Technical problem',
  tooLong: 'Messages can be up to {max} characters.',
} as const;

export type MessageKey = keyof typeof en;
export type Locale = Record<MessageKey, string>;

export function translate(locale: Locale, key: MessageKey, values: Record<string, string | number> = {}): string {
  return locale[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}
