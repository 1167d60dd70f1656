// Schema fragments shared by the source's status answer and the moderator's submission view:
// a public day and the list of sealed messages. Imports nothing server-only, so browser bundles
// can derive their types from it.
export const daySchema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

export const sealedMessagesSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['direction', 'ciphertext', 'sentOn'],
    properties: {
      direction: { type: 'string', enum: ['to_source', 'from_source'] },
      ciphertext: { type: 'string' },
      sentOn: daySchema,
    },
  },
} as const;
