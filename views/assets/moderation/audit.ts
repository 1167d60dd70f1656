// Verifies the audit chain in this browser, so that a tampering server cannot just claim it is intact.
import { canonicalJson, type Json } from '../../../common/protocol/canonical-json.js';
import type { AuditListView } from '../../../common/moderation/audit-view.js';
import { AUDIT_GENESIS_HASH, auditEntryHash } from '../../../common/protocol/digest.js';
import { api, element, say, sodiumReady } from './console.js';
import { describeError } from '../error-words.js';
import { startPage } from './page-start.js';
import { consoleWord } from './console-words.js';

const HEAD_STORAGE = 'offscript.audit.head';

export function initAudit(): void {
  const status = element('browser-verification');
  void (async () => {
    try {
      const sodium = await sodiumReady;
      const { entries } = await api<AuditListView>('/mod/api/audit');
      const ordered = [...entries].sort((a, b) => a.seq - b.seq);
      if (ordered.length && ordered[0]!.seq !== 1) return say(status, consoleWord('audit.newest', { count: ordered.length }));
      let prev: Uint8Array = AUDIT_GENESIS_HASH;
      for (const listed of ordered) {
        const { hash, ...entry } = listed;
        const computed = auditEntryHash(prev, canonicalJson(entry as Json));
        if (sodium.to_hex(computed) !== hash) return say(status, consoleWord('audit.broken', { entry: listed.seq }));
        prev = computed;
      }
      const head = sodium.to_hex(prev);
      // A chain shorter than the one this browser saw before means entries were removed from its end.
      const seen = JSON.parse(localStorage.getItem(HEAD_STORAGE) ?? 'null') as { seq: number; hash: string } | null;
      if (seen && (seen.seq > ordered.length || (seen.seq <= ordered.length && ordered[seen.seq - 1]?.hash !== seen.hash))) {
        return say(status, consoleWord('audit.rewritten', { entry: seen.seq }));
      }
      localStorage.setItem(HEAD_STORAGE, JSON.stringify({ seq: ordered.length, hash: head }));
      say(status, consoleWord('audit.intact', { count: ordered.length }));
    } catch (error) {
      say(status, describeError(error, consoleWord('audit.failed')));
    }
  })();
}

// The page's own bundle entry (scripts/build.mjs).
startPage('mod-audit', initAudit);
