// Schema fragments shared by the source's status answer and the moderator's submission view:
// a public day and the list of sealed messages. Imports nothing server-only, so browser bundles
// can derive their types from it.
export const daySchema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
/** A calendar day, `YYYY-MM-DD`: the only kind of time the server keeps about a source. */
export type Day = string;

export const MESSAGE_DIRECTIONS = ['to_source', 'from_source'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export const sealedMessagesSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['direction', 'ciphertext', 'sentOn'],
    properties: {
      direction: { type: 'string', enum: MESSAGE_DIRECTIONS },
      ciphertext: { type: 'string' },
      sentOn: daySchema,
    },
  },
} as const;
