// The redaction helper's marks on a draft (DESIGN §6): each likely identifier is either redacted
// or marked "not identifying" by the moderator before the draft may be sent. The count of what
// remains is what the server checks; it cannot read the text itself.
import { CodedError } from '../../../common/errors.js';
import { codedErrorMessage } from '../error-words.js';
import { applyRedactions, findIdentifiers, type IdentifierMatch } from './redaction.js';
import { consoleWord } from './console-words.js';

export const kindWords = (kind: IdentifierMatch['kind']) => consoleWord(`marks.kinds.${kind}`);

const markKey = (match: IdentifierMatch) => `${match.kind}\u0000${match.text}`;

/** The text with each match wrapped in <mark>, built from text nodes only (Trusted Types: no innerHTML). */
export function renderMarked(target: HTMLElement, text: string, matches: readonly IdentifierMatch[]): void {
  const parts: Node[] = [];
  let at = 0;
  for (const match of [...matches].sort((a, b) => a.start - b.start)) {
    if (match.start < at) continue;
    parts.push(document.createTextNode(text.slice(at, match.start)));
    const mark = document.createElement('mark');
    mark.title = consoleWord('marks.likely', { kind: kindWords(match.kind) });
    mark.textContent = match.text;
    parts.push(mark);
    at = match.end;
  }
  parts.push(document.createTextNode(text.slice(at)));
  target.replaceChildren(...parts);
}

export interface MarksReport {
  unresolved: number;
  dismissed: number;
}

/** A draft's textarea with its list of marks: redact one, redact all, or dismiss one as not identifying. */
export class DraftMarks {
  private matches: IdentifierMatch[] = [];
  private readonly dismissed = new Set<string>();

  constructor(
    private readonly draft: HTMLTextAreaElement,
    private readonly list: HTMLElement,
    private readonly summary: HTMLElement,
    private readonly replacement: () => string,
    private watchList: readonly string[] = [],
    private readonly onChange: () => void = () => {},
  ) {
    draft.addEventListener('input', () => this.refresh());
  }

  /** The marks dismissed as not identifying, for a kept draft. */
  dismissedKeys(): string[] {
    return [...this.dismissed];
  }

  restoreDismissed(keys: readonly string[]): void {
    for (const key of keys) this.dismissed.add(key);
    this.refresh();
  }

  setWatchList(terms: readonly string[]): void {
    this.watchList = terms;
    this.refresh();
  }

  /** How many marks remain unresolved, and how many the moderator dismissed, in the text as it is now. */
  report(): MarksReport {
    const dismissed = this.matches.filter((m) => this.dismissed.has(markKey(m))).length;
    return { unresolved: this.matches.length - dismissed, dismissed };
  }

  redact(matches: readonly IdentifierMatch[]): void {
    this.draft.value = applyRedactions(this.draft.value, matches, this.replacement() || '[redacted]');
    this.refresh();
  }

  redactAllUnresolved(): void {
    this.redact(this.matches.filter((m) => !this.dismissed.has(markKey(m))));
  }

  refresh(): void {
    this.matches = findIdentifiers(this.draft.value, this.watchList);
    this.list.replaceChildren(...this.matches.map((match, index) => this.item(match, index)));
    const { unresolved, dismissed } = this.report();
    this.summary.textContent =
      this.matches.length === 0 ? consoleWord('marks.noneFound') : consoleWord(dismissed ? 'marks.summaryDismissed' : 'marks.summary', { unresolved, count: this.matches.length, dismissed });
    this.summary.classList.toggle('unresolved', unresolved > 0);
    this.onChange();
  }

  private item(match: IdentifierMatch, index: number): HTMLLIElement {
    const item = document.createElement('li');
    const key = markKey(match);
    const kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = kindWords(match.kind);
    const text = document.createElement('mark');
    text.className = 'identifier-text';
    text.textContent = match.text;
    const redact = document.createElement('button');
    redact.type = 'button';
    redact.className = 'secondary small';
    redact.textContent = 'Redact';
    redact.setAttribute('aria-label', consoleWord('marks.redact', { text: match.text }));
    redact.addEventListener('click', () => this.redact([match]));
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = `${this.list.id}-dismiss-${index}`;
    box.checked = this.dismissed.has(key);
    box.addEventListener('change', () => {
      if (box.checked) this.dismissed.add(key);
      else this.dismissed.delete(key);
      this.refresh();
    });
    const label = document.createElement('label');
    label.htmlFor = box.id;
    label.textContent = consoleWord('marks.notIdentifying');
    const which = document.createElement('span');
    which.className = 'visually-hidden';
    which.textContent = `: ${match.text}`;
    label.append(which);
    const dismissal = document.createElement('span');
    dismissal.className = 'dismissal';
    dismissal.append(box, label);
    item.className = box.checked ? 'dismissed' : 'unresolved';
    item.append(kind, text, redact, dismissal);
    return item;
  }
}

/** The refusal the console shows before sending a draft with unresolved marks (the server refuses it too). */
export function unresolvedRefusal(report: MarksReport): string | undefined {
  return report.unresolved === 0 ? undefined : codedErrorMessage(new CodedError('unresolved_identifiers', { unresolved: report.unresolved }));
}
