// `npm run dkim:keys -- …`: the operator pins DKIM keys (platforms rotate theirs, and an older
// email then fails against DNS) and keeps the list of which signing domains are whose.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { platforms } from '../../common/vocabulary.js';
import { addPlatformEmailDomain, listDkimKeys, pinDkimKey, platformEmailDomains, removePlatformEmailDomain, unpinDkimKey } from './dkim-keys.js';

export const DKIM_KEYS_USAGE = [
  'usage: npm run dkim:keys -- add DOMAIN SELECTOR KEY      pin a key (a whole "v=DKIM1; k=…; p=…" record, or the bare base64 key)',
  '       npm run dkim:keys -- list                         pinned keys and the keys DNS gave (cached)',
  '       npm run dkim:keys -- remove DOMAIN SELECTOR       unpin a key',
  '       npm run dkim:keys -- domains                      which signing domains belong to which platform',
  '       npm run dkim:keys -- domain-add PLATFORM DOMAIN   a platform sends mail from DOMAIN (and its subdomains)',
  '       npm run dkim:keys -- domain-remove DOMAIN',
];

export interface DkimKeysOutcome {
  lines: string[];
  ok: boolean;
}

/** args: action, and a, b, c, the positional words after it. */
export async function dkimKeysCommand(db: Kysely<Database>, { action, a, b, c }: Record<string, string | undefined>): Promise<DkimKeysOutcome> {
  const refused = (line: string): DkimKeysOutcome => ({ lines: [line, ...DKIM_KEYS_USAGE], ok: false });
  switch (action) {
    case 'add': {
      if (!a || !b || !c) return refused('add needs DOMAIN SELECTOR KEY');
      const record = await pinDkimKey(db, a.toLowerCase(), b.toLowerCase(), c);
      return { lines: [`pinned ${b.toLowerCase()}._domainkey.${a.toLowerCase()}: ${record.slice(0, 60)}…`], ok: true };
    }
    case 'remove': {
      if (!a || !b) return refused('remove needs DOMAIN SELECTOR');
      const removed = await unpinDkimKey(db, a.toLowerCase(), b.toLowerCase());
      return removed ? { lines: [`unpinned ${b.toLowerCase()}._domainkey.${a.toLowerCase()}`], ok: true } : { lines: [`no pinned key for ${b}._domainkey.${a}`], ok: false };
    }
    case 'list': {
      const keys = await listDkimKeys(db);
      if (keys.length === 0) return { lines: ['no keys pinned or cached'], ok: true };
      return { lines: keys.map((k) => `${k.source.padEnd(6)} ${k.selector}._domainkey.${k.domain}  ${k.stored_at.toISOString()}  ${k.record.slice(0, 40)}…`), ok: true };
    }
    case 'domains': {
      const domains = await platformEmailDomains(db);
      return { lines: domains.length ? domains.map((d) => `${platforms.labelOf(d.platform)} (${d.platform}): ${d.domain}`) : ['no domains: no email can verify an account'], ok: true };
    }
    case 'domain-add': {
      if (!a || !b) return refused('domain-add needs PLATFORM DOMAIN');
      if (!platforms.has(a)) return refused(`PLATFORM must be one of ${platforms.keys.join(', ')}`);
      await addPlatformEmailDomain(db, a, b.toLowerCase());
      return { lines: [`${b.toLowerCase()} is ${platforms.labelOf(a)}'s`], ok: true };
    }
    case 'domain-remove': {
      if (!a) return refused('domain-remove needs DOMAIN');
      return (await removePlatformEmailDomain(db, a.toLowerCase())) ? { lines: [`removed ${a.toLowerCase()}`], ok: true } : { lines: [`${a} was not listed`], ok: false };
    }
    default:
      return refused(action ? `unknown action ${action}` : 'which action?');
  }
}
