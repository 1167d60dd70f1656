// `npm run seed -- --accounts N [--stories M]`: fictional, clearly marked demo data made
// through the real services — two demo moderators enrolled with keys derived here as a
// browser would, M stories sealed, accepted, reviewed and released in batches — plus N − M
// statistics-only accounts. Works on PGlite or Postgres, whichever the configuration names.
// Never run it against a deployment that holds real accounts: its figures would mix with theirs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { ConfigError, loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { refuseWhileServing } from '../server/control/command-line.js';
import { addDays, todayUtc } from '../server/db/day.js';
import { migrateToLatest } from '../server/db/migrator.js';
import type { Database, ModeratorRole } from '../server/db/schema.js';
import { halfYearsUpTo, type Account } from '../common/intake/account.js';
import { acceptSealedSubmission, currentIntakeKey } from '../server/intake/service.js';
import { acceptSubmission, accountRow, claimSubmission, type Facets } from '../server/moderation/queue-service.js';
import { approveStory } from '../server/moderation/stories-service.js';
import { enrolModerator, grantIntakeKeys, inviteModerator, wrappedKeysFor, type Enrolment, type ModeratorIdentity } from '../server/moderation/team-service.js';
import { lookupTokenHash } from '../common/protocol/digest.js';
import { asStandardSodium, loadSodiumSumo, type SodiumSumo } from '../common/protocol/sodium-sumo.js';
import { fromBase64, toBase64 } from '../common/protocol/encoding.js';
import { sealAccount, type BoxKeyPair } from '../common/protocol/envelope.js';
import { generateIntakeKeyPair } from '../common/protocol/intake-key.js';
import { deriveModeratorKeys, MODERATOR_SALT_BYTES, randomBytes, unwrapIntakeKeyPair, wrapIntakeSecretKey, type ModeratorKeys } from '../common/protocol/moderator-keys.js';
import { deriveReceiptKeys, drawReceiptEntropy } from '../common/protocol/receipt.js';
import { releaseDueBatch, type ReleasedBatch } from '../server/publishing/release.js';
import {
  conditions,
  defaultAttributionFor,
  documentKinds,
  payBands,
  type FactKey,
  type Condition,
  type ConditionAnswer,
  type HoursBand,
  type PayBand,
  type Platform,
  type Role,
  type TaskType,
} from '../common/vocabulary.js';
import { describeError } from '../server/i18n/error-messages.js';

/** DEMO ONLY: published in the README and printed by the seed; never a real moderator's passphrase. */
export { DEMO_PASSPHRASE } from '../common/moderation/demo-passphrase.js';
import { DEMO_PASSPHRASE } from '../common/moderation/demo-passphrase.js';
export const DEMO_MODERATORS = [
  { handle: 'demo-admin', role: 'administrator' },
  { handle: 'demo-moderator', role: 'moderator' },
] as const satisfies readonly { handle: string; role: ModeratorRole }[];
export const DEMO_MARK = 'Demo account — fictional';
export const DEMO_TITLE_PREFIX = 'Demo: ';
export const MAX_ACCOUNTS = 10_000_000;
/** The size of `npm run demo`'s data set (scripts/demo.ts), which the scorecard test reads too. */
export const DEMO_ACCOUNTS = 300;
export const DEMO_STORIES = 12;
const CHUNK_ROWS = 4_000; // 15 columns × 4,000 rows = 60,000 parameters, under Postgres's 65,535
const INSERTS_IN_FLIGHT = 4; // Postgres takes them on separate pool connections; PGlite queues them
const ACCEPTED_WITHIN_DAYS = 60;

export interface SeedOptions {
  accounts: number;
  /** Stories made through the whole real path; default min(accounts, 30). */
  stories?: number;
  kMin: number;
  batchMin: number;
  /** Called as accounts are created (bulk rows and stories alike). */
  onProgress?: (done: number, total: number) => void;
  /** One line per event worth telling an operator (moderators, releases). */
  log?: (line: string) => void;
  random?: () => number;
}

export interface SeedResult {
  moderators: { handle: string; role: ModeratorRole; created: boolean }[];
  accounts: number;
  stories: number;
  batches: ReleasedBatch[];
  bulkInsertMs: number;
  totalMs: number;
}

// ---------------------------------------------------------------- fictional facets

type Weighted<K extends string> = readonly (readonly [K, number])[];

function pick<K extends string>(random: () => number, weights: Weighted<K>): K {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]![1];
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]![1];
    if (r < 0) return weights[i]![0];
  }
  return weights[weights.length - 1]![0];
}

/** `count` distinct keys, drawn by weight without replacement (by redrawing repeats). */
function pickSome<K extends string>(random: () => number, weights: Weighted<K>, count: number): K[] {
  const chosen: K[] = [];
  while (chosen.length < Math.min(count, weights.length)) {
    const key = pick(random, weights);
    if (!chosen.includes(key)) chosen.push(key);
  }
  return chosen;
}

// Skews loosely shaped like what such a survey would hear: mostly writers and crews, a few
// big platforms, mid-range pay, NDAs nearly everywhere. Invented numbers, not research.
const ROLE_WEIGHTS: Weighted<Role> = [
  ['writer', 30],
  ['showrunner', 3],
  ['writers_assistant', 12],
  ['script_coordinator', 6],
  ['story_editor', 6],
  ['development_executive', 4],
  ['actor', 10],
  ['vfx_animation', 13],
  ['post_production', 10],
  ['other', 6],
];
const PLATFORM_WEIGHTS: Weighted<Platform> = [
  ['mercor', 24],
  ['outlier', 30],
  ['turing', 9],
  ['scale_remotasks', 15],
  ['dataannotation', 20],
  ['invisible', 5],
  ['appen', 4],
  ['other', 3],
];
const TASK_WEIGHTS: Weighted<TaskType> = [
  ['rating_responses', 35],
  ['writing_prompts', 30],
  ['annotation', 15],
  ['red_teaming', 10],
  ['image_video_evaluation', 6],
  ['other', 4],
];
const PAY_WEIGHTS: Weighted<PayBand> = [
  ['under_20', 8],
  ['20_39', 22],
  ['40_59', 30],
  ['60_89', 21],
  ['90_119', 10],
  ['120_150', 6],
  ['over_150', 3],
];
const HOURS_WEIGHTS: Weighted<HoursBand> = [
  ['under_10', 15],
  ['10_19', 25],
  ['20_29', 25],
  ['30_39', 17],
  ['40_49', 12],
  ['50_plus', 6],
];
const CONDITION_WEIGHTS: Record<Condition, Weighted<ConditionAnswer>> = {
  nda_signed: [
    ['yes', 80],
    ['no', 12],
    ['unsure', 8],
  ],
  stopped_without_notice: [
    ['yes', 45],
    ['no', 45],
    ['unsure', 10],
  ],
  disturbing_content: [
    ['yes', 35],
    ['no', 55],
    ['unsure', 10],
  ],
  support_offered: [
    ['yes', 15],
    ['no', 60],
    ['unsure', 25],
  ],
  paid_all_time: [
    ['yes', 40],
    ['no', 45],
    ['unsure', 15],
  ],
  told_data_use: [
    ['yes', 20],
    ['no', 60],
    ['unsure', 20],
  ],
};
const COUNT_WEIGHTS: Weighted<'1' | '2' | '3'> = [
  ['1', 55],
  ['2', 35],
  ['3', 10],
];
// Version 2's questions (the advertised band follows the actual one: see drawFacets).
const FACT_WEIGHTS: Partial<Record<FactKey, Weighted<string>>> = {
  unpaidHours: [
    ['none', 20],
    ['under_5', 25],
    ['5_19', 30],
    ['20_49', 18],
    ['50_plus', 7],
  ],
  paidShare: [
    ['all', 35],
    ['most', 30],
    ['about_half', 15],
    ['less_than_half', 10],
    ['not_sure', 10],
  ],
  latePay: [
    ['never', 50],
    ['sometimes', 35],
    ['often', 15],
  ],
  endedWithoutNotice: [
    ['yes', 50],
    ['no', 40],
    ['unsure', 10],
  ],
  rateCut: [
    ['yes', 30],
    ['no', 55],
    ['unsure', 15],
  ],
  deactivated: [
    ['yes', 20],
    ['no', 80],
  ],
  monitoring: [
    ['yes', 45],
    ['no', 30],
    ['unsure', 25],
  ],
  union: [
    ['wga', 30],
    ['sag_aftra', 15],
    ['iatse', 15],
    ['another', 5],
    ['none', 25],
    ['prefer_not_to_say', 10],
  ],
};
const NOTICE_WEIGHTS: Weighted<string> = [
  ['none', 55],
  ['under_24_hours', 25],
  ['1_7_days', 15],
  ['over_7_days', 5],
];
const APPEAL_WEIGHTS: Weighted<string> = [
  ['yes', 20],
  ['no', 60],
  ['unsure', 20],
];
/** Share of demo accounts given on the version-2 form or later; the rest predate it (their new questions "not asked"). */
const VERSION_2_SHARE = 0.75;
/** Of those, the share given on the version-3 form (issue 32's questions). */
const VERSION_3_SHARE = 0.6;
// Version 3's questions: fictional weights, in the spirit of 2025–26's reporting.
const FACT_WEIGHTS_V3: Partial<Record<FactKey, Weighted<string>>> = {
  aiInterview: [
    ['yes', 55],
    ['no', 35],
    ['unsure', 10],
  ],
  monitoringTools: [
    ['none', 25],
    ['time_tracking', 35],
    ['screenshots_keystrokes', 25],
    ['webcam', 10],
    ['unsure', 5],
  ],
  idVerification: [
    ['yes', 60],
    ['no', 30],
    ['unsure', 10],
  ],
  toldOfBreach: [
    ['told', 15],
    ['learned_elsewhere', 30],
    ['not_told', 15],
    ['not_affected', 35],
    ['unsure', 5],
  ],
  classification: [
    ['contractor', 75],
    ['employee', 5],
    ['agency_temp', 15],
    ['unsure', 5],
  ],
  payMethod: [
    ['hourly', 55],
    ['per_task', 25],
    ['mixed', 15],
    ['unsure', 5],
  ],
  relaunchedLower: [
    ['yes', 30],
    ['no', 50],
    ['unsure', 20],
  ],
  realClientData: [
    ['yes', 20],
    ['no', 60],
    ['unsure', 20],
  ],
  complaint: [
    ['did_not_complain', 50],
    ['put_right', 10],
    ['nothing_changed', 30],
    ['lost_work', 7],
    ['unsure', 3],
  ],
  trainingPaid: [
    ['none_asked', 20],
    ['all_paid', 25],
    ['some_paid', 30],
    ['unpaid', 20],
    ['unsure', 5],
  ],
  location: [
    ['us_15_plus', 45],
    ['us_10_15', 15],
    ['us_federal', 10],
    ['canada', 8],
    ['united_kingdom', 7],
    ['european_union', 5],
    ['latin_america', 4],
    ['elsewhere', 6],
  ],
};

/** An account's facets as the seed draws them: never `background`, which is neither counted nor quoted. */
export type DemoFacets = Omit<Account, 'v' | 'narrative' | 'quotable' | 'consent' | 'facts'> & {
  consent: 'quote' | 'stats';
  accountVersion: 1 | 2 | 3;
  facts?: Record<string, string>;
};

/** The version-2 answers of one demo account, each skipped now and then as a source may. */
function drawFacts(random: () => number, payBand: PayBand | undefined): Record<string, string> {
  const facts: Record<string, string> = {};
  const answered = () => random() < 0.85;
  if (payBand && answered()) {
    // Advertisements quote more than the work pays, mostly (an ad at $150, a hire at $52).
    const gap = Number(
      pick(random, [
        ['0', 40],
        ['1', 35],
        ['2', 25],
      ] as const),
    );
    facts.advertisedPayBand = payBands.keys[Math.min(payBands.keys.indexOf(payBand) + gap, payBands.keys.length - 1)]!;
  }
  for (const [fact, weights] of Object.entries(FACT_WEIGHTS)) if (answered()) facts[fact] = pick(random, weights);
  if (facts.endedWithoutNotice === 'yes' && answered()) facts.noticeGiven = pick(random, NOTICE_WEIGHTS);
  if (facts.deactivated === 'yes' && answered()) facts.appealPossible = pick(random, APPEAL_WEIGHTS);
  return facts;
}

export function drawFacets(random: () => number, consent?: 'quote' | 'stats'): DemoFacets {
  const facets: DemoFacets = {
    platforms: pickSome(random, PLATFORM_WEIGHTS, Number(pick(random, COUNT_WEIGHTS))),
    taskTypes: pickSome(random, TASK_WEIGHTS, Number(pick(random, COUNT_WEIGHTS))),
    conditions: {},
    consent: consent ?? (random() < 0.35 ? 'quote' : 'stats'),
    accountVersion: 1,
  };
  for (const condition of conditions.keys) {
    if (random() < 0.85) facets.conditions[condition] = pick(random, CONDITION_WEIGHTS[condition]);
  }
  if (random() < 0.95) facets.role = pick(random, ROLE_WEIGHTS);
  if (random() < 0.93) {
    let band = payBands.keys.indexOf(pick(random, PAY_WEIGHTS));
    // Senior roles were hired for "expert" projects and report a band higher, now and then.
    if ((facets.role === 'showrunner' || facets.role === 'development_executive') && random() < 0.5) band = Math.min(band + 1, payBands.keys.length - 1);
    facets.payBand = payBands.keys[band]!;
  }
  if (random() < 0.9) facets.hoursBand = pick(random, HOURS_WEIGHTS);
  if (random() < VERSION_2_SHARE) {
    facets.accountVersion = 2;
    facets.facts = drawFacts(random, facets.payBand);
    if (random() < VERSION_3_SHARE) {
      facets.accountVersion = 3;
      for (const [fact, weights] of Object.entries(FACT_WEIGHTS_V3)) if (random() < 0.85) facets.facts[fact] = pick(random, weights);
    }
    // The last three years' half-years, more of them recent.
    const halfYears = halfYearsUpTo(new Date()).slice(-6);
    if (random() < 0.8) facets.halfYear = halfYears[Math.min(halfYears.length - 1, Math.floor(halfYears.length * random() ** 0.6))]!;
  }
  return facets;
}

// ---------------------------------------------------------------- fictional stories

const TITLES = [
  'Grading robots between staffing seasons',
  'The project that ended on a Friday',
  'Paid by the task, timed by the second',
  'Writing the prompts I hoped nobody would answer',
  'An NDA longer than my last script',
  'Rubrics at two in the morning',
  'When the dashboard went quiet',
  'Teaching a chatbot to pitch',
  'Three platforms, no contract',
  'The unpaid qualification tests',
  'Red-teaming for rent',
  'What they never told us about the data',
];

const SENTENCES = [
  'After the strikes the calls stopped, and a recruiter offered hourly work rating chatbot answers about screenplays.',
  'The onboarding test took most of a weekend and was not paid.',
  'Projects appeared and vanished overnight; nobody explained why.',
  'We were asked to write scenes the model could learn from, in the voice of working writers.',
  'The task timer counted minutes; the time spent reading guidelines did not count at all.',
  'Some batches asked for violent or abusive prompts, with no warning before they opened.',
  'Support was a link to a general wellness page.',
  'Pay was steady for a few weeks and then the hours dried up without notice.',
  'Nobody would say which company the data was for or how it would be used.',
  'I kept doing it because it paid the rent between jobs.',
];

const QUOTES = [
  'I was training the thing that was supposed to replace the room I came from.',
  'The work stopped on a Friday and nobody ever told us why.',
  'The unpaid test took longer than some of the paid tasks.',
  'You learn to stop asking who the data is for.',
  'It paid the rent, barely, between staffing seasons.',
];

function demoStory(random: () => number, index: number, facets: DemoFacets) {
  const sentences = pickSome(
    random,
    SENTENCES.map((s) => [s, 1] as const),
    4,
  );
  const quote = QUOTES[Math.floor(random() * QUOTES.length)]!;
  return {
    title: `${DEMO_TITLE_PREFIX}${TITLES[index % TITLES.length]!}`,
    body: `Demo story — fictional, generated by npm run seed; no real person gave this account. ${sentences.join(' ')} ${quote}`,
    pullQuotes: [quote],
    attributionLabel: defaultAttributionFor(facets.role),
    narrative: `${DEMO_MARK}. ${sentences.join(' ')}`,
    quotable: quote,
  };
}

// ---------------------------------------------------------------- demo moderators

interface DemoTeam {
  admin: ModeratorIdentity;
  moderator: ModeratorIdentity;
  created: SeedResult['moderators'];
}

async function findModerator(db: Kysely<Database>, handle: string) {
  return db.selectFrom('moderators').select(['id', 'handle', 'role', 'status', 'salt']).where('handle', '=', handle).executeTakeFirst();
}

/** Invites and enrols one demo moderator exactly as the console does, keys derived here. */
async function enrolDemoModerator(db: Kysely<Database>, sumo: SodiumSumo, handle: string, role: ModeratorRole, createIntakeKey: boolean) {
  const s = asStandardSodium(sumo);
  const { token } = await inviteModerator(db, { handle, role }, 'operator');
  const salt = randomBytes(sumo, MODERATOR_SALT_BYTES);
  const keys = deriveModeratorKeys(sumo, DEMO_PASSPHRASE, salt);
  const enrolment: Enrolment = {
    salt: toBase64(s, salt),
    signPublicKey: toBase64(s, keys.signKeyPair.publicKey),
    boxPublicKey: toBase64(s, keys.boxKeyPair.publicKey),
  };
  if (createIntakeKey) {
    // As the first administrator's browser does: the secret leaves only sealed to its box key.
    const intake = generateIntakeKeyPair(s);
    enrolment.intakeKey = { publicKey: toBase64(s, intake.publicKey), wrappedSecretKey: toBase64(s, wrapIntakeSecretKey(sumo, intake.privateKey, keys.boxKeyPair.publicKey)) };
    sumo.memzero(intake.privateKey);
  }
  await enrolModerator(db, token, enrolment);
  return keys;
}

/** The two demo moderators, enrolled unless they exist; the second holds the current intake key. */
async function ensureDemoTeam(db: Kysely<Database>, log: (line: string) => void): Promise<DemoTeam> {
  const sumo = await loadSodiumSumo();
  const s = asStandardSodium(sumo);
  const created: SeedResult['moderators'] = [];
  const derived = new Map<string, ModeratorKeys>(); // Argon2id is slow on purpose: derive once
  for (const { handle, role } of DEMO_MODERATORS) {
    const existing = await findModerator(db, handle);
    if (existing?.status === 'active') {
      created.push({ handle, role, created: false });
      continue;
    }
    if (existing?.status === 'disabled') throw new Error(`The demo moderator ${handle} is disabled; seed a fresh database.`);
    const createIntakeKey = role === 'administrator' && !(await currentIntakeKey(db));
    if (role === 'administrator' && !createIntakeKey) {
      log(`warning: this database already has an intake key; ${handle} is enrolled without it and the demo stories are sealed to that key`);
    }
    derived.set(handle, await enrolDemoModerator(db, sumo, handle, role, createIntakeKey));
    created.push({ handle, role, created: true });
  }
  const identity = async (handle: string): Promise<ModeratorIdentity & { salt: Uint8Array | null }> => {
    const row = (await findModerator(db, handle))!;
    return { id: row.id, handle: row.handle, role: row.role, salt: row.salt };
  };
  const admin = await identity(DEMO_MODERATORS[0].handle);
  const moderator = await identity(DEMO_MODERATORS[1].handle);

  // The grant, as an administrator's browser makes it: unwrap the intake key with their own
  // box key, seal it to the new moderator's box key.
  const key = await currentIntakeKey(db);
  const moderatorKeys = await wrappedKeysFor(db, moderator.id);
  if (key && !moderatorKeys.some((k) => k.intakeKeyId === key.id)) {
    const adminGrant = (await wrappedKeysFor(db, admin.id)).find((k) => k.intakeKeyId === key.id);
    const box = await db.selectFrom('moderators').select('box_public_key').where('id', '=', moderator.id).executeTakeFirstOrThrow();
    if (adminGrant && admin.salt && box.box_public_key) {
      const adminKeys = derived.get(admin.handle) ?? deriveModeratorKeys(sumo, DEMO_PASSPHRASE, admin.salt);
      const intake: BoxKeyPair = unwrapIntakeKeyPair(sumo, fromBase64(s, adminGrant.wrappedSecretKey), adminKeys.boxKeyPair);
      const wrapped = wrapIntakeSecretKey(sumo, intake.privateKey, box.box_public_key);
      sumo.memzero(intake.privateKey);
      // The demo's moderators have no passkeys at all (their passphrase is printed in the README): PRF is moot here.
      await grantIntakeKeys(db, { allowKeysWithoutPrf: true }, admin, moderator.id, [{ intakeKeyId: key.id, wrappedSecretKey: toBase64(s, wrapped) }]);
    } else {
      log(`warning: ${admin.handle} holds no grant of the current intake key, so ${moderator.handle} is not granted it`);
    }
  }
  return {
    admin: { id: admin.id, handle: admin.handle, role: admin.role },
    moderator: { id: moderator.id, handle: moderator.handle, role: moderator.role },
    created,
  };
}

// ---------------------------------------------------------------- the seed

/** One story through the whole real path: sealed submission, acceptance, second review. */
/** A demo story accepted by the demo administrator; returns its id, for approval once its group is in. */
async function seedStory(db: Kysely<Database>, team: DemoTeam, random: () => number, index: number): Promise<string> {
  const sumo = await loadSodiumSumo();
  const s = asStandardSodium(sumo);
  const key = await currentIntakeKey(db);
  if (!key) throw new Error('no intake key: the demo administrator could not create one');
  const facets = drawFacets(random, 'quote');
  const story = demoStory(random, index, facets);
  const { accountVersion, ...sealed } = facets;
  const account: Account = { v: accountVersion, ...sealed, narrative: story.narrative, quotable: story.quotable };
  const { lookupToken, replyKeyPair } = deriveReceiptKeys(s, drawReceiptEntropy(s));
  await acceptSealedSubmission(db, {
    v: 1,
    intakeKeyId: key.id,
    ciphertext: toBase64(s, sealAccount(s, account, key.publicKey)),
    replyPublicKey: toBase64(s, replyKeyPair.publicKey),
    lookupToken: toBase64(s, lookupToken),
  });
  const { id } = await db.selectFrom('submissions').select('id').where('lookup_hash', '=', lookupTokenHash(lookupToken)).executeTakeFirstOrThrow();
  await claimSubmission(db, team.admin, id, false);
  const moderatorFacets: Facets = { ...facets, conditions: { ...facets.conditions }, ...(facets.facts ? { facts: { ...facets.facts } } : {}) };
  const { storyId } = await acceptSubmission(db, team.admin, id, {
    facets: moderatorFacets,
    // Demo text is generated, with nothing identifying in it: no marks to resolve.
    story: { title: story.title, body: story.body, pullQuotes: story.pullQuotes, attributionLabel: story.attributionLabel, identifierMarks: { unresolved: 0, dismissed: 0 } },
  });
  return storyId!;
}

/**
 * Statistics-only accounts go straight into `accounts` with multi-row INSERTs, in the shape
 * acceptSubmission writes (no submission: as after retention). The real path costs a sealed
 * envelope, three transactions and two audit entries per account — hours for 1,000,000 rows;
 * this is the only feasible way to make a million.
 */
async function insertAccounts(db: Kysely<Database>, count: number, random: () => number, progress: (rows: number) => void): Promise<void> {
  const today = todayUtc();
  const days = Array.from({ length: ACCEPTED_WITHIN_DAYS }, (_, ago) => addDays(today, -ago));
  const chunk = (size: number) =>
    // Accepted over the last 60 days, more of them recent; about one in eight with documents a moderator saw.
    Array.from({ length: size }, () => ({
      ...accountRow(drawFacets(random), days[Math.floor(ACCEPTED_WITHIN_DAYS * random() ** 1.5)]!),
      documents_seen: random() < 0.12 ? [documentKinds.keys[Math.floor(random() * documentKinds.keys.length)]!] : null,
    }));
  let left = count;
  const inFlight = new Set<Promise<void>>();
  while (left > 0) {
    const size = Math.min(CHUNK_ROWS, left);
    left -= size;
    const insert: Promise<void> = db
      .insertInto('accounts')
      .values(chunk(size))
      .execute()
      .then(() => {
        inFlight.delete(insert);
        progress(size);
      });
    inFlight.add(insert);
    if (inFlight.size >= INSERTS_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

export async function seedDemoData(db: Kysely<Database>, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const { accounts, kMin, batchMin } = options;
  const stories = options.stories ?? Math.min(accounts, 30);
  if (!Number.isSafeInteger(accounts) || accounts < 1 || accounts > MAX_ACCOUNTS) throw new RangeError(`accounts must be 1–${MAX_ACCOUNTS}`);
  if (!Number.isSafeInteger(stories) || stories < 0 || stories > accounts) throw new RangeError(`stories must be 0–${accounts} (no more than accounts)`);
  // Demo data needs variety, not secrecy; tests pass their own generator to stay repeatable.
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  let done = 0;
  const progress = (rows: number) => {
    done += rows;
    options.onProgress?.(done, accounts);
  };

  const team = await ensureDemoTeam(db, log);
  for (const m of team.created) log(`${m.created ? 'enrolled' : 'kept existing'} demo ${m.role} ${m.handle}`);

  // The seed does not wait BATCH_DELAY_DAYS, nor the month between statistics refreshes (its
  // releases fall on one day: each is a scheduled refresh, refreshEveryMonths 0); it keeps BATCH_MIN and K_MIN as configured.
  const rules = { kMin, batchMin, batchDelayDays: 0, refreshEveryMonths: 0 };
  const batches: ReleasedBatch[] = [];
  const releaseDue = async () => {
    for (let batch = await releaseDueBatch(db, rules); batch; batch = await releaseDueBatch(db, rules)) {
      batches.push(batch);
      log(
        `released batch ${batch.sequence}: ${batch.storyCount} stories; ${batch.statisticsRefreshed ? `statistics refreshed in ${batch.statisticsMs.toFixed(0)} ms` : 'statistics carried over'}`,
      );
    }
  };

  // A few batches rather than one, so that the feed shows batch numbers and the figures grow
  // from one release to the next: each group of bulk accounts, then of stories, then a release.
  const groups = Math.max(1, Math.min(3, Math.floor(stories / batchMin)));
  const bulk = accounts - stories;
  let bulkInsertMs = 0;
  let story = 0;
  for (let group = 0; group < groups; group++) {
    const bulkStarted = performance.now();
    const rows = Math.floor((bulk * (group + 1)) / groups) - Math.floor((bulk * group) / groups);
    await insertAccounts(db, rows, random, progress);
    bulkInsertMs += performance.now() - bulkStarted;
    const accepted: string[] = [];
    for (const last = Math.floor((stories * (group + 1)) / groups); story < last; story++) {
      accepted.push(await seedStory(db, team, random, story));
      progress(1);
    }
    // Approved once the whole group is counted: what the reviewer approves is what the release publishes.
    for (const storyId of accepted) await approveStory(db, { kMin, invitedReviewerWaitDays: 0 }, team.moderator, storyId);
    await releaseDue();
  }
  await releaseDue();
  if (stories > 0 && stories < batchMin) log(`note: ${stories} approved stories wait for a batch (BATCH_MIN is ${batchMin})`);
  return { moderators: team.created, accounts, stories, batches, bulkInsertMs, totalMs: performance.now() - started };
}

// ---------------------------------------------------------------- command line

/** `\r[#####.....] 42% 420000/1000000` on stderr; one line per 10% when stderr is not a terminal. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  let shown = -1;
  let drawn = false;
  const draw = (done: number, total: number) => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (stream.isTTY ? percent === shown && done !== total : Math.floor(percent / 10) === Math.floor(shown / 10)) return;
    shown = percent;
    const filled = Math.round(percent / 5);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${percent}% ${done}/${total}`;
    stream.write(stream.isTTY ? `\r${line}` : `${line}\n`);
    drawn = stream.isTTY === true;
  };
  return {
    update: draw,
    /** Ends the bar's line before other output. */
    clear() {
      if (!drawn) return;
      stream.write('\n');
      drawn = false;
      shown = -1;
    },
  };
}

/** seedDemoData behind a progress bar on standard error; its lines are printed between redraws. */
export async function seedWithProgress(
  db: Kysely<Database>,
  options: Omit<SeedOptions, 'onProgress' | 'log'>,
  print: (line: string) => void = (line) => console.log(line),
): Promise<SeedResult> {
  const bar = progressBar();
  try {
    return await seedDemoData(db, { ...options, onProgress: bar.update, log: (line) => (bar.clear(), print(line)) });
  } finally {
    bar.clear();
  }
}

export function demoCredentials(origin: string): string[] {
  return [
    'DEMO CREDENTIALS — fictional demo data only; never use them on a real deployment:',
    `  log in at ${origin}/mod/login as ${DEMO_MODERATORS.map((m) => `${m.handle} (${m.role})`).join(' or ')}`,
    `  passphrase: ${DEMO_PASSPHRASE}`,
    `  the demo moderators have no passkey; \`npm run demo\` lets them open submissions without one for ${DEMO_PASSKEY_GRACE_DAYS} days (PASSKEY_GRACE_DAYS)`,
  ];
}

/**
 * The seed enrols its moderators without a passkey (no authenticator exists at seeding time), so
 * `npm run demo` grants the grace period a deployment may give moderators enrolled before
 * passkeys: someone trying the demo on a machine without an authenticator can still look round.
 */
export const DEMO_PASSKEY_GRACE_DAYS = 90;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { accounts: { type: 'string' }, stories: { type: 'string' } } });
  const usage = 'usage: npm run seed -- --accounts N [--stories M]   (M defaults to min(N, 30))';
  const count = (raw: string | undefined, name: string) => {
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw)) throw new ConfigError(`--${name} must be a whole number, got "${raw}"\n${usage}`);
    return Number(raw);
  };
  const accounts = count(values.accounts, 'accounts');
  const stories = count(values.stories, 'stories');
  if (accounts === undefined) throw new ConfigError(usage);
  if (accounts < 1 || accounts > MAX_ACCOUNTS) throw new ConfigError(`--accounts must be 1–${MAX_ACCOUNTS}\n${usage}`);
  if (stories !== undefined && stories > accounts) throw new ConfigError(`--stories (${stories}) cannot exceed --accounts (${accounts})`);

  const config = loadConfig();
  await refuseWhileServing(config, 'npm run seed');
  const { db, kind } = await openDatabase(config);
  try {
    await migrateToLatest(db);
    console.log(
      `Seeding fictional demo data into ${kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'Postgres'}: ${accounts} accounts, ${stories ?? Math.min(accounts, 30)} of them as stories`,
    );
    const result = await seedWithProgress(db, { accounts, ...(stories === undefined ? {} : { stories }), kMin: config.kMin, batchMin: config.batchMin });
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `done in ${seconds(result.totalMs)} (bulk insert of ${result.accounts - result.stories} statistics-only accounts: ${seconds(result.bulkInsertMs)}); ${result.batches.length} batch(es) released`,
    );
    for (const line of demoCredentials(config.publicOrigin)) console.log(line);
  } finally {
    await db.destroy();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`offscript: ${describeError(error, String(error))}`);
    process.exit(1);
  });
}
