// In-memory tallies for unit tests of the statistics: what the triggers of migrations 0005, 0010,
// 0016 and 0027 keep, for a list of counted accounts (the API test account-tallies.test.ts checks the SQL against this idea).
import type { AccountTallies } from '../../server/publishing/statistics.js';
import { tallyKey } from '../../server/publishing/statistics.js';

export interface CountedAccount {
  role: string | null;
  platforms: string[];
  taskTypes: string[];
  payBand: string | null;
  hoursBand: string | null;
  conditions: Record<string, string>;
  /** 1 when absent: an account from before the newer questions. */
  version?: 1 | 2 | 3;
  /** Version 2's counted facts, derived ones included (queue-service.ts countedFacts). */
  facts?: Record<string, string>;
  halfYear?: string | null;
  /** True when a moderator recorded documents seen at acceptance (migration 0016's tier). */
  documentsSeen?: boolean;
  /** Backed by a platform's signed email (issue 33): that tier, whatever documents were seen. */
  verifiedEmail?: boolean;
}

export function talliesOf(accounts: readonly CountedAccount[]): AccountTallies {
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const t: AccountTallies = {
    platformPay: new Map(),
    platformConditions: new Map(),
    roleTask: new Map(),
    hours: new Map(),
    platformVersions: new Map(),
    platformFacts: new Map(),
    halfYearFacts: new Map(),
    facts: new Map(),
    versions: new Map(),
    tiers: new Map(),
    accounts: accounts.length,
    facets: { platforms: new Map(), roles: new Map(), taskTypes: new Map(), conditionsYes: new Map(), conditionsNo: new Map(), conditionsUnsure: new Map() },
  };
  const answers: Record<string, Map<string, number>> = { yes: t.facets.conditionsYes, no: t.facets.conditionsNo, unsure: t.facets.conditionsUnsure };
  for (const a of accounts) {
    const tier = a.verifiedEmail ? 'verified_email' : a.documentsSeen ? 'documents_seen' : 'none';
    bump(t.tiers, tier);
    bump(t.versions, String(a.version ?? 1));
    for (const [fact, answer] of Object.entries(a.facts ?? {})) bump(t.facts, tallyKey(fact, answer));
    for (const p of a.platforms) {
      bump(t.facets.platforms, p);
      bump(t.platformVersions, tallyKey(p, String(a.version ?? 1)));
      for (const [fact, answer] of Object.entries(a.facts ?? {})) bump(t.platformFacts, tallyKey(`${p}:${fact}`, answer));
      if (a.payBand) bump(t.platformPay, tallyKey(p, a.payBand));
      for (const [condition, answer] of Object.entries(a.conditions)) bump(t.platformConditions, tallyKey(`${p}:${condition}`, answer));
    }
    if (a.role) {
      bump(t.facets.roles, a.role);
      for (const task of a.taskTypes) bump(t.roleTask, tallyKey(a.role, task));
    }
    for (const task of a.taskTypes) bump(t.facets.taskTypes, task);
    if (a.hoursBand) bump(t.hours, tallyKey('all', a.hoursBand));
    if (a.halfYear) for (const [fact, answer] of Object.entries(a.facts ?? {})) bump(t.halfYearFacts, tallyKey(`${a.halfYear}:${fact}`, answer));
    for (const [condition, answer] of Object.entries(a.conditions)) {
      const map = answers[answer];
      if (map) bump(map, condition);
    }
  }
  return t;
}
