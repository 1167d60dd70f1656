// What GET /mod/api/submissions answers: the queue as the console lists it, its schema and the
// type derived from it. Imports nothing server-only, so that the queue page's bundle can follow it.
import type { FromSchema } from 'json-schema-to-ts';
import { SUBMISSION_STATUSES } from '../workflow.js';

const queueItemSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'receivedOn', 'status', 'statusText', 'paddingBucket', 'purged', 'claimedBy', 'claimedByMe', 'sourceReplied', 'questionPending', 'daysWaiting'],
  properties: {
    id: { type: 'string' },
    receivedOn: { type: 'string' },
    status: { type: 'string', enum: SUBMISSION_STATUSES },
    statusText: { type: 'string' },
    paddingBucket: { type: 'integer' },
    purged: { type: 'boolean' },
    // The handle of the moderator reviewing it.
    claimedBy: { type: ['string', 'null'] },
    claimedByMe: { type: 'boolean' },
    // The last message came from the source (an answer to read).
    sourceReplied: { type: 'boolean' },
    // The last message is the team's question, still unanswered.
    questionPending: { type: 'boolean' },
    // Whole days since it was received, while undecided; null once decided.
    daysWaiting: { type: ['integer', 'null'] },
  },
} as const;

export const queueViewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['items', 'counts'],
  properties: {
    items: { type: 'array', items: queueItemSchema },
    // How many submissions each status tab holds, and 'undecided' (the "to decide" tab): what the tabs show.
    counts: { type: 'object', additionalProperties: { type: 'integer' } },
  },
} as const;

export type QueueItem = FromSchema<typeof queueItemSchema>;
export type QueueView = FromSchema<typeof queueViewSchema>;

/** What a queue row shows beside the item's own fields; the page's template and its script both use it. */
export function queueRowWords(item: Pick<QueueItem, 'id' | 'paddingBucket'>): { shortId: string; sizeText: string } {
  return { shortId: item.id.slice(0, 8), sizeText: `${item.paddingBucket / 1024} KiB` };
}
