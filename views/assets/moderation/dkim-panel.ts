// A saved email a source attached (issue 33), in the moderator's browser: shown as plain text
// (never as a web page), its DKIM signatures verified here with keys the server fetched by domain
// and selector, and — when one holds and its domain is a platform the account names — offered for
// marking the account "verified by a signed email from <platform>" (the accept form's fieldset).
import { platformOfDomain } from '../../../common/evidence/names.js';
import { duplicateMarker, halfYearOf, splitEmail, verifyDkim, type DkimKeyLookup, type DkimVerdict } from '../../../common/protocol/dkim.js';
import type { Sodium } from '../../../common/protocol/sodium.js';
import { platforms } from '../../../common/vocabulary.js';
import { api } from './json-api.js';

/** What the accept form sends when the moderator ticks the signed-email box. */
export interface SignedEmailChoice {
  platform: string;
  domain: string;
  halfYear: string;
  marker: string;
}

/** What the panel needs besides the email: the account's platforms and the key the marker is made with. */
export interface EvidenceContext {
  sodium: Sodium;
  accountPlatforms: readonly string[];
  /** The deployment's first intake secret key: every moderator derives the same marker key from it. */
  markerIntakeKey: Uint8Array | undefined;
}

let context: EvidenceContext | undefined;
const candidates: SignedEmailChoice[] = [];

export function setEvidenceContext(next: EvidenceContext): void {
  context = next;
}

/** Words rendered into the page by views/partials/moderation-signed-email.hbs, `{name}` placeholders filled here. */
function word(key: string, values: Record<string, string | number> = {}): string {
  const template = document.querySelector<HTMLElement>(`#evidence-words [data-word="${key}"]`)?.textContent ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

function line(text: string, className?: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  if (className) p.className = className;
  return p;
}

const keyFetcher = async (domain: string, selector: string): Promise<DkimKeyLookup> => {
  const answer = await api<{ source: DkimKeyLookup['source']; record?: string }>(`/mod/api/evidence/dkim-key?domain=${encodeURIComponent(domain)}&selector=${encodeURIComponent(selector)}`);
  return answer.record === undefined ? { source: answer.source } : { source: answer.source, record: answer.record };
};

function describeVerdict(verdict: DkimVerdict): HTMLElement {
  const box = document.createElement('div');
  box.className = `dkim-verdict dkim-${verdict.status}`;
  box.dataset.testid = 'dkim-verdict';
  const key = verdict.keySource ? word(`key_${verdict.keySource}`) : '';
  box.append(
    line(`${word('signedBy', { domain: verdict.domain })}${key ? `, ${key}` : ''} (${verdict.algorithm || '?'}, ${verdict.canonicalization}, s=${verdict.selector})`, 'dkim-signed-by'),
  );
  box.append(
    line(
      verdict.status === 'pass' ? word('pass', { domain: verdict.domain }) : word('fail', { reason: word(`failure_${verdict.failure ?? 'malformed_signature'}`) }),
      verdict.status === 'pass' ? 'dkim-pass-line' : 'error-summary',
    ),
  );
  if (verdict.signedAt !== undefined) box.append(line(word('signedAt', { halfYear: halfYearOf(verdict.signedAt), date: new Date(verdict.signedAt * 1000).toISOString().slice(0, 10) })));
  if (verdict.signedHeaders.length > 0) box.append(line(word('covered', { headers: verdict.signedHeaders.join(', ') })));
  if (verdict.unsignedHeaders.length > 0) box.append(line(word('notCovered', { headers: verdict.unsignedHeaders.join(', ') })));
  if (verdict.status === 'pass') {
    box.append(line(verdict.bodyBytesSigned < verdict.bodyBytes ? word('bodyPart', { signed: verdict.bodyBytesSigned, total: verdict.bodyBytes }) : word('bodyAll')));
  }
  return box;
}

/** Whether a passing signature can mark the account, and if not why; a candidate is offered to the accept form. */
async function weigh(verdict: DkimVerdict, box: HTMLElement): Promise<void> {
  if (verdict.status !== 'pass' || !context) return;
  const { domains } = await api<{ domains: Array<{ domain: string; platform: string }> }>('/mod/api/evidence/platform-domains');
  const platform = platformOfDomain(verdict.domain, domains);
  if (!platform || !context.accountPlatforms.includes(platform)) {
    box.append(line(word('notPlatform', { domain: verdict.domain }), 'error-summary'));
    return;
  }
  box.append(line(word('platformMatch', { domain: verdict.domain, platform: platforms.labelOf(platform) })));
  if (!context.markerIntakeKey || verdict.signedAt === undefined) {
    box.append(line(word('cannotMark'), 'error-summary'));
    return;
  }
  const marker = duplicateMarker(context.sodium, context.markerIntakeKey, verdict.signature);
  const { accounts } = await api<{ accounts: number }>('/mod/api/evidence/duplicates', 'POST', { marker });
  if (accounts > 0) {
    const flag = line(word('duplicate'), 'error-summary');
    flag.dataset.testid = 'dkim-duplicate';
    box.append(flag);
    return;
  }
  offer({ platform, domain: verdict.domain, halfYear: halfYearOf(verdict.signedAt), marker });
}

/** Enables the accept form's box for the first candidate found. */
function offer(choice: SignedEmailChoice): void {
  candidates.push(choice);
  const fieldset = document.getElementById('signed-email');
  const box = document.getElementById('signed-email-mark') as HTMLInputElement | null;
  const label = document.getElementById('signed-email-label');
  if (!fieldset || !box || !label || candidates.length > 1) return;
  fieldset.hidden = false;
  box.disabled = false;
  label.textContent = word('mark', { platform: platforms.labelOf(choice.platform), domain: choice.domain });
}

/** What the accept request carries: the candidate, when the moderator ticked the box. */
export function chosenSignedEmail(): SignedEmailChoice | undefined {
  const box = document.getElementById('signed-email-mark') as HTMLInputElement | null;
  return box?.checked ? candidates[0] : undefined;
}

/** Shows a saved email in `item` as text and verifies its signatures. */
export async function showSavedEmail(item: HTMLElement, email: Uint8Array): Promise<void> {
  const { headers } = splitEmail(email);
  const shown = ['from', 'to', 'subject', 'date'];
  const summary = document.createElement('dl');
  summary.className = 'facts';
  for (const field of headers.filter((h) => shown.includes(h.name))) {
    const dt = document.createElement('dt');
    dt.textContent = field.name;
    const dd = document.createElement('dd');
    dd.textContent = field.raw.slice(field.raw.indexOf(':') + 1).trim();
    summary.append(dt, dd);
  }
  // Plain text only: a <pre> filled by textContent; nothing of the email is parsed as markup.
  const text = document.createElement('pre');
  text.className = 'saved-email';
  text.textContent = new TextDecoder('utf-8').decode(email);
  const details = document.createElement('details');
  const open = document.createElement('summary');
  open.textContent = word('showText');
  details.append(open, text);
  const status = line(word('checking'));
  status.setAttribute('role', 'status');
  item.append(summary, details, status);
  try {
    const verdicts = await verifyDkim(email, keyFetcher);
    status.textContent = verdicts.length === 0 ? word('noSignature') : '';
    for (const verdict of verdicts) {
      const box = describeVerdict(verdict);
      item.append(box);
      await weigh(verdict, box);
    }
  } catch (error) {
    status.textContent = `${word('cannotCheck')} ${error instanceof Error ? error.message : ''}`;
    status.className = 'error-summary';
  }
}
