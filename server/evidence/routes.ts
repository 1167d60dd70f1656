// The moderator's browser asks for what it cannot know itself when it verifies a saved email
// (issue 33): the DKIM key of a domain and selector, which domains are whose, and whether this
// email's keyed marker already backs an account. The email itself never comes here.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { dkimKeyFor, platformEmailDomains, type TxtResolver } from './dkim-keys.js';
import { accountsWithMarker } from './signed-email.js';
import { dkimKeySchema, duplicatesSchema, platformDomainsSchema } from './schemas.js';

export function moderatorEvidenceRoutes(untyped: FastifyInstance, db: Kysely<Database>, resolveTxt: TxtResolver): void {
  const session = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  session.get('/mod/api/evidence/dkim-key', { schema: dkimKeySchema }, async (request) => dkimKeyFor(db, resolveTxt, request.query.domain, request.query.selector));
  session.get('/mod/api/evidence/platform-domains', { schema: platformDomainsSchema }, async () => ({ domains: await platformEmailDomains(db) }));
  session.post('/mod/api/evidence/duplicates', { schema: duplicatesSchema }, async (request) => ({ accounts: await accountsWithMarker(db, request.body.marker) }));
}
