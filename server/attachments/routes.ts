// Attachment uploads (docs/attachments.md): source routes, so they log nothing per request.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { SEALED_CHUNK_BYTES } from '../../common/protocol/attachment.js';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { SOURCE_ROUTE_LOG_LEVEL } from '../privacy/logging.js';
import { CodedError } from '../../common/errors.js';
import { chunkStoredSchemas, replyFileParamsSchema, sealedFileParamsSchema, uploadCreatedSchemas, uploadDeclarationSchema } from '../../common/attachments/schemas.js';
import type { AttachmentLimits } from '../config.js';
import { createUpload, sealedFileOf, storeChunk, type StoredFile } from './service.js';
import { UploadBudget } from './upload-budget.js';
import { decodeChunkFrame } from '../../common/attachments/chunk-frame.js';

export interface AttachmentRoutesOptions {
  db: Kysely<Database>;
  config: Pick<Config, 'attachments' | 'rateLimit' | 'uploadBudget'>;
  /** The directory the upload store writes to (DATA_DIR on the embedded database), for the free-space watermark. */
  storeDir?: string | undefined;
}

const HOUR_MS = 60 * 60 * 1000;

export async function attachmentRoutes(untyped: FastifyInstance, { db, config, storeDir }: AttachmentRoutesOptions): Promise<void> {
  const budget = new UploadBudget(db, config.uploadBudget, { storeDir });
  // Each handler's params, body and reply are inferred from its route's JSON schema.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  // JSON for the declaration, raw bytes for chunks; anything else is 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '/api/v1/uploads',
    {
      logLevel: SOURCE_ROUTE_LOG_LEVEL,
      config: { rateLimit: {} },
      schema: { body: uploadDeclarationSchema, response: uploadCreatedSchemas },
    },
    async (request, reply) => {
      await budget.admitUpload();
      return reply.code(201).send(await createUpload(db, config.attachments, request.body));
    },
  );

  // The volume quota: so many sealed bytes per client key and hour, counted in chunks.
  const chunksPerHour = Math.ceil(config.attachments.uploadBytesPerHour / SEALED_CHUNK_BYTES);
  app.put(
    // Which upload, file and chunk travel in the body (common/attachments/chunk-frame.ts), not the URL.
    '/api/v1/uploads/chunks',
    {
      logLevel: SOURCE_ROUTE_LOG_LEVEL,
      config: { rateLimit: { max: chunksPerHour, timeWindow: HOUR_MS } },
      schema: { response: chunkStoredSchemas },
    },
    async (request, reply) => {
      // A chunk is raw bytes; a JSON body parses to something else and is refused, not stored.
      const { body } = request;
      if (!Buffer.isBuffer(body)) throw new CodedError('unsupported_media_type');
      const { address, sealed } = decodeChunkFrame(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
      await budget.admitChunk();
      await storeChunk(db, address, sealed);
      budget.chunkStored();
      return reply.code(201).send({ stored: true });
    },
  );
}

/** What a page with the attach control hands its template (views/partials/attachments.hbs). */
export function attachmentFieldModel(limits: AttachmentLimits) {
  return { ...limits, maxFileMb: (limits.maxFileBytes / 1_000_000).toLocaleString('en', { maximumFractionDigits: 1 }) };
}

/**
 * For the moderators' session scope: one sealed file of a submission or of a source's reply, as
 * bytes that only a browser holding the intake key can open. Sent as a download if opened
 * directly: the console shows it.
 */
export function moderatorAttachmentRoutes(untyped: FastifyInstance, db: Kysely<Database>): void {
  const session = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const sendSealed = (reply: FastifyReply, stored: StoredFile | undefined) => {
    if (!stored) throw new CodedError('unknown_attachment');
    return reply.type('application/octet-stream').header('content-disposition', 'attachment; filename="sealed.bin"').send(Buffer.from(stored.sealed));
  };
  session.get('/mod/api/submissions/:id/attachments/:file', { schema: { params: sealedFileParamsSchema } }, async (request, reply) =>
    sendSealed(reply, await sealedFileOf(db, request.params.id, request.params.file)),
  );
  session.get('/mod/api/submissions/:id/messages/:messageId/attachments/:file', { schema: { params: replyFileParamsSchema } }, async (request, reply) =>
    sendSealed(reply, await sealedFileOf(db, request.params.id, request.params.file, request.params.messageId)),
  );
}
