// The audit page's words (issue 16): every action has a label of its own, and an entry's subject
// and details read as a sentence, not as keys and JSON.
import { describe, expect, it } from 'vitest';
import { auditActions, auditDetailNames } from '../../common/vocabulary.js';
import { AUDIT_ACTIONS, describeAuditEntry } from '../../server/audit/log.js';

const alice = { id: '6f1c2a4e-8a57-4c1b-9d2e-0b6b1f3c9a10', handle: 'alice' };

describe('audit wording', () => {
  it('labels every action in words, each label its own', () => {
    const labels = AUDIT_ACTIONS.map((action) => auditActions.labelOf(action));
    for (const [i, label] of labels.entries()) {
      expect(label, AUDIT_ACTIONS[i]).not.toBe(AUDIT_ACTIONS[i]);
      expect(label, AUDIT_ACTIONS[i]).toMatch(/^[A-Z][^._]*$/);
    }
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('names the subject and renders details with their names and vocabulary labels', () => {
    const accepted = describeAuditEntry({
      seq: 7,
      day: '2026-12-02',
      actor: alice,
      action: 'submission.accepted',
      subject: { type: 'submission', id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' },
      details: { verificationTier: 'documents_seen', documentKinds: ['pay_record', 'contract'] },
    });
    expect(accepted).toEqual({
      seq: 7,
      day: '2026-12-02',
      who: 'alice',
      action: 'submission.accepted',
      actionText: 'Submission accepted',
      subject: { id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', text: 'Submission a1b2c3d4' },
      detailsText: 'verification: A moderator saw documents supporting this account; documents seen: pay record, contract',
    });
    const login = describeAuditEntry({ seq: 8, day: '2026-12-02', actor: 'system', action: 'passkey.refused', subject: { type: 'moderator', id: alice.id }, details: { step: 'login' } });
    expect(login).toMatchObject({ who: 'the system', actionText: 'Passkey refused', subject: { text: 'Moderator 6f1c2a4e' }, detailsText: 'at: login' });
    expect(describeAuditEntry({ seq: 9, day: '2026-12-02', actor: alice, action: 'session.login', details: { passkey: false } }).detailsText).toBe('passkey: no');
    expect(describeAuditEntry({ seq: 10, day: '2026-12-02', actor: alice, action: 'session.logout' })).not.toHaveProperty('subject');
  });

  it('names every detail the services record', async () => {
    // The detail names written by appendAuditEntry calls across server/, read from the sources.
    const { readFileSync, readdirSync } = await import('node:fs');
    const sources = readdirSync('server', { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(`server/${file}`, 'utf8'))
      .join('\n');
    const names = new Set<string>();
    for (const [, literal] of sources.matchAll(/details: \{ ([^}]*) \}/g)) {
      // A name opens each entry: `name: value` or the shorthand `name`.
      for (const [, name] of literal!.matchAll(/(?:^|,\s*)([A-Za-z]\w*)(?=\s*(?::|,|$))/g)) names.add(name!);
    }
    names.add('dismissedIdentifierMarks'); // marksAuditDetails builds it outside a literal
    expect(names.size).toBeGreaterThan(10);
    for (const name of names) expect(auditDetailNames.has(name), name).toBe(true);
  });
});
