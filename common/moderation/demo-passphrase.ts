// The demo's moderators' passphrase (scripts/seed.ts), printed in the README: the enrolment page
// refuses it (issue 26), so it only ever opens the demo's own fictional data.
export const DEMO_PASSPHRASE = 'demo only fictional offscript moderator';

/** Whether a typed passphrase is the demo's, whatever its case or spacing. */
export function isDemoPassphrase(passphrase: string): boolean {
  return passphrase.trim().toLowerCase().split(/\s+/).join(' ') === DEMO_PASSPHRASE;
}
