// The moderator's browser asks for what it cannot know itself when it verifies a saved email
// (issue 33): the DKIM key of a domain and selector, which domains are whose, and whether this
// email's keyed marker already backs an account. The email itself never comes here.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { accountsWithMarker } from './signed-email.js';
import { addPlatformDomainSchema, dkimKeySchema, duplicatesSchema, platformDomainsSchema, removePlatformDomainSchema } from './schemas.js';
import { addPlatformEmailDomain, dkimKeyFor, platformEmailDomains, removePlatformEmailDomain, type TxtResolver } from './dkim-keys.js';
import { appendAuditEntry } from '../audit/log.js';
import type { ModeratorIdentity } from '../moderation/team-service.js';

export function moderatorEvidenceRoutes(untyped: FastifyInstance, db: Kysely<Database>, resolveTxt: TxtResolver): void {
  const session = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  session.get('/mod/api/evidence/dkim-key', { schema: dkimKeySchema }, async (request) => dkimKeyFor(db, resolveTxt, request.query.domain, request.query.selector));
  session.get('/mod/api/evidence/platform-domains', { schema: platformDomainsSchema }, async () => ({ domains: await platformEmailDomains(db) }));
  session.post('/mod/api/evidence/duplicates', { schema: duplicatesSchema }, async (request) => ({ accounts: await accountsWithMarker(db, request.body.marker) }));
}

/** Administrators keep which signing domains are whose (the operator can too: npm run dkim:keys); each change is in the audit log. */
export function administratorEvidenceRoutes(untyped: FastifyInstance, db: Kysely<Database>, me: (request: FastifyRequest) => ModeratorIdentity): void {
  const admin = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const audited = async (
    request: FastifyRequest,
    action: 'evidence.platform_domain_added' | 'evidence.platform_domain_removed',
    details: Record<string, string>,
    change: (trx: Kysely<Database>) => Promise<unknown>,
  ) => {
    await db.transaction().execute(async (trx) => {
      await change(trx);
      await appendAuditEntry(trx, { actor: { id: me(request).id, handle: me(request).handle }, action, details });
    });
    return { domains: await platformEmailDomains(db) };
  };
  admin.post('/mod/api/evidence/platform-domains', { schema: addPlatformDomainSchema }, async (request) => {
    const { domain } = request.body;
    return audited(request, 'evidence.platform_domain_added', { platform: request.body.platform, domain }, (trx) => addPlatformEmailDomain(trx, request.body.platform, domain));
  });
  admin.post('/mod/api/evidence/platform-domains/remove', { schema: removePlatformDomainSchema }, async (request) => {
    const { domain } = request.body;
    return audited(request, 'evidence.platform_domain_removed', { domain }, (trx) => removePlatformEmailDomain(trx, domain));
  });
}
