// Keeps a moderator's draft on one submission or story in this tab while they type, sealed to their own box
// key (common/protocol/draft.ts): a reload, an ended session or a login in between loses nothing.
// The draft is dropped once the decision is sent; Log out wipes it with everything else.
import { openDraft, sealDraft, type ModeratorDraft } from '../../../common/protocol/draft.js';
import { fromBase64, toBase64 } from '../../../common/protocol/encoding.js';
import type { ModeratorKeys } from '../../../common/protocol/moderator-keys.js';
import type { DraftMarks } from './identifier-marks.js';
import { asSodium, type SodiumSumo } from './console.js';

const SAVE_AFTER_MS = 400;
const storageName = (subject: string) => `offscript.draft.${subject}`;

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function controlsIn(container: HTMLElement): Control[] {
  return [...container.querySelectorAll<Control>('input[id], select[id], textarea[id]')];
}

export class DraftKeeper {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly sodium: SodiumSumo,
    private readonly keys: ModeratorKeys,
    /** What the draft belongs to: "submission:<id>" or "story:<id>". */
    private readonly subject: string,
    private readonly container: HTMLElement,
    private readonly marks: DraftMarks,
  ) {}

  /** Saves (a moment after the last keystroke or change) from now on. */
  watch(): void {
    const later = () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.save(), SAVE_AFTER_MS);
    };
    this.container.addEventListener('input', later);
    this.container.addEventListener('change', later);
    // Redact and "not identifying" change the draft without an input event on a field.
    this.container.addEventListener('click', later);
  }

  save(): void {
    const fields: Record<string, string | boolean> = {};
    for (const control of controlsIn(this.container)) {
      fields[control.id] = control instanceof HTMLInputElement && control.type === 'checkbox' ? control.checked : control.value;
    }
    const s = asSodium(this.sodium);
    const sealed = sealDraft(s, { subject: this.subject, fields, dismissed: this.marks.dismissedKeys() }, this.keys.boxKeyPair.publicKey);
    sessionStorage.setItem(storageName(this.subject), toBase64(s, sealed));
  }

  /** Puts a kept draft back into the form; true when there was one. */
  restore(): boolean {
    const stored = sessionStorage.getItem(storageName(this.subject));
    if (!stored) return false;
    const s = asSodium(this.sodium);
    let draft: ModeratorDraft;
    try {
      draft = openDraft(s, fromBase64(s, stored), this.keys.boxKeyPair, this.subject);
    } catch {
      // Sealed to other keys (another moderator's tab) or damaged: nothing to restore.
      this.drop();
      return false;
    }
    for (const control of controlsIn(this.container)) {
      const value = draft.fields[control.id];
      if (typeof value === 'boolean' && control instanceof HTMLInputElement) control.checked = value;
      else if (typeof value === 'string') control.value = value;
    }
    this.marks.restoreDismissed(draft.dismissed);
    return true;
  }

  /** The decision is sent: nothing left to keep. */
  drop(): void {
    clearTimeout(this.timer);
    sessionStorage.removeItem(storageName(this.subject));
  }
}
