/** The two agent queues every conversation is routed to (DESIGN.md, "Why two queues"). */
export const QUEUES = ['service', 'support'] as const;
export type QueueName = (typeof QUEUES)[number];
