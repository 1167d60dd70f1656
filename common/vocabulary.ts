// The controlled vocabularies of DESIGN §5: the one source of truth for forms, validation,
// moderation facets and public statistics. Keys are stable (stored inside sealed accounts and
// published figures); labels are what people read. The English label of every key is defined
// once, in locales/en/vocabulary.json (namespace `vocabulary`, path `<vocabulary name>.<key>`),
// where translators' tools find it beside locales/es and locales/pt-BR (docs/vocabulary-labels.md).
import englishLabels from '../locales/en/vocabulary.json' with { type: 'json' };

export interface Term<K extends string = string> {
  readonly key: K;
  readonly label: string;
}

/** A vocabulary's name: its object in locales/<language>/vocabulary.json. */
export type VocabularyName = Exclude<keyof typeof englishLabels, 'factQuestions' | 'notAsked'>;

/** The English words at a path of the catalogue ("a.b" looks inside "a"); undefined where there are none. */
function englishAt(path: readonly string[]): string | undefined {
  let node: unknown = englishLabels;
  for (const part of path) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined; // why: a JSON object, indexed by a key it may lack
  return typeof node === 'string' ? node : undefined;
}

/** The English label a key must have: a term without one fails at start-up, not in front of a reader. */
function englishLabel(path: readonly string[]): string {
  const label = englishAt(path);
  if (label === undefined) throw new Error(`locales/en/vocabulary.json has no label at ${path.join('.')}`);
  return label;
}

/** Every vocabulary by its name (templates' {{term "roles" key}}), filled as each is defined. */
export const vocabularies: Partial<Record<VocabularyName, NamedVocabulary>> = {};

function vocabulary<const K extends string>(name: VocabularyName, keys: readonly K[]) {
  const terms: readonly Term<K>[] = keys.map((key) => ({ key, label: englishLabel([name, ...key.split('.')]) }));
  const defined = {
    name,
    terms,
    keys,
    // Any string: keys come back from the database and from forms; an unknown one shows as itself.
    labelOf(key: string): string {
      return terms.find((t) => t.key === key)?.label ?? key;
    },
    has(value: unknown): value is K {
      return typeof value === 'string' && terms.some((t) => t.key === value);
    },
  };
  vocabularies[name] = defined;
  return defined;
}

/** Anything with a name in the catalogue and keys: what a per-language label is looked up by. */
export interface NamedVocabulary {
  readonly name: VocabularyName;
  labelOf(key: string): string;
}

export const roles = vocabulary('roles', [
  'writer',
  'showrunner',
  'writers_assistant',
  'script_coordinator',
  'story_editor',
  'development_executive',
  'actor',
  'vfx_animation',
  'post_production',
  'other',
]);

export const platforms = vocabulary('platforms', ['mercor', 'outlier', 'turing', 'scale_remotasks', 'dataannotation', 'invisible', 'appen', 'other']);

export const taskTypes = vocabulary('taskTypes', ['rating_responses', 'writing_prompts', 'annotation', 'red_teaming', 'image_video_evaluation', 'other']);

// Ordered from lowest to highest so that medians of bands are meaningful.
export const payBands = vocabulary('payBands', ['under_20', '20_39', '40_59', '60_89', '90_119', '120_150', 'over_150']);

// DESIGN §5 names an hours band without its bounds; these follow common labour-survey cuts.
export const hoursBands = vocabulary('hoursBands', ['under_10', '10_19', '20_29', '30_39', '40_49', '50_plus']);

export const conditions = vocabulary('conditions', ['nda_signed', 'stopped_without_notice', 'disturbing_content', 'support_offered', 'paid_all_time', 'told_data_use']);

export const conditionAnswers = vocabulary('conditionAnswers', ['yes', 'no', 'unsure']);

export const consents = vocabulary('consents', ['quote', 'stats', 'background']);

// The verification tier (issue 18): recorded at acceptance by a moderator who opened the
// account's attached files; labels read after "a" in the published sentence.
export const verificationTiers = vocabulary('verificationTiers', ['documents_seen', 'verified_email']);
export const documentKinds = vocabulary('documentKinds', ['pay_record', 'platform_message', 'contract', 'task_screenshot']);
// The tiers the statistics split by (issue 18): every counted account is in exactly one. "None"
// says only that no documents were recorded as seen, never that an account is doubted.
export const statisticsTiers = vocabulary('statisticsTiers', ['verified_email', 'documents_seen', 'none']);

export type Role = (typeof roles.keys)[number];
export type Platform = (typeof platforms.keys)[number];
export type TaskType = (typeof taskTypes.keys)[number];
export type PayBand = (typeof payBands.keys)[number];
export type HoursBand = (typeof hoursBands.keys)[number];
export type Condition = (typeof conditions.keys)[number];
export type ConditionAnswer = (typeof conditionAnswers.keys)[number];
export type Consent = (typeof consents.keys)[number];

// Coarse attributions for published quotes (DESIGN §6); used only when at least K_MIN
// accepted accounts share the label, else the story falls back to the last one.
export const attributionLabels = vocabulary('attributionLabels', [
  'hollywood_writer',
  'showrunner',
  'writers_room_staff',
  'film_tv_crew',
  'performer',
  'industry_insider',
  'anonymous_contributor',
]);

/** Which former roles a label stands for: the accounts that "share" it (DESIGN §6). */
export const attributionRoles: Record<(typeof attributionLabels.keys)[number], readonly Role[] | 'any'> = {
  hollywood_writer: ['writer', 'showrunner', 'story_editor'],
  showrunner: ['showrunner'],
  writers_room_staff: ['writers_assistant', 'script_coordinator'],
  film_tv_crew: ['vfx_animation', 'post_production'],
  performer: ['actor'],
  industry_insider: 'any',
  anonymous_contributor: 'any',
};

export type AttributionLabel = (typeof attributionLabels.keys)[number];

// Moderator first: the invitation form offers the terms in this order, the least power by default.
export const moderatorRoles = vocabulary('moderatorRoles', ['moderator', 'administrator']);
export type ModeratorRole = (typeof moderatorRoles.keys)[number];

// ---- Account version 2 (DESIGN §5): the questions reporters ask, each optional. ----

/** Unpaid hours in total (assessments, onboarding, training), not per week. */
export const unpaidHoursBands = vocabulary('unpaidHoursBands', ['none', 'under_5', '5_19', '20_49', '50_plus']);

export const paidShares = vocabulary('paidShares', ['all', 'most', 'about_half', 'less_than_half', 'not_sure']);

export const noticePeriods = vocabulary('noticePeriods', ['none', 'under_24_hours', '1_7_days', 'over_7_days']);

export const yesNo = vocabulary('yesNo', ['yes', 'no']);

export const payDelays = vocabulary('payDelays', ['never', 'sometimes', 'often']);

export const unions = vocabulary('unions', ['wga', 'sag_aftra', 'iatse', 'another', 'none', 'prefer_not_to_say']);

/** The groups of the form's optional section "The facts reporters ask about". */
// Version 3 (issue 32) adds 'hiring' and 'treatment': what 2025–26's reporting asks.
export const factGroups = vocabulary('factGroups', ['pay', 'stability', 'oversight', 'hiring', 'treatment']);

// ---- Account version 3 (DESIGN §5, issue 32): bands and yes / no / not sure, never amounts or dates. ----

/** The most intrusive monitoring the work required. */
export const monitoringTools = vocabulary('monitoringTools', ['none', 'time_tracking', 'screenshots_keystrokes', 'webcam', 'unsure']);

export const breachNotices = vocabulary('breachNotices', ['told', 'learned_elsewhere', 'not_told', 'not_affected', 'unsure']);

export const workerClassifications = vocabulary('workerClassifications', ['contractor', 'employee', 'agency_temp', 'unsure']);

export const payMethods = vocabulary('payMethods', ['hourly', 'per_task', 'mixed', 'unsure']);

export const complaintOutcomes = vocabulary('complaintOutcomes', ['did_not_complain', 'put_right', 'nothing_changed', 'lost_work', 'unsure']);

export const trainingPay = vocabulary('trainingPay', ['none_asked', 'all_paid', 'some_paid', 'unpaid', 'unsure']);

/**
 * Where the work was done, for comparing pay with the local minimum wage: a country or a group of
 * US states by minimum wage, never a city or a state on its own (DESIGN §5 version 3).
 */
export const locationGroups = vocabulary('locationGroups', [
  'us_15_plus',
  'us_10_15',
  'us_federal',
  'canada',
  'united_kingdom',
  'european_union',
  'australia_nz',
  'latin_america',
  'india',
  'philippines',
  'africa',
  'elsewhere',
]);

export interface FactQuestion<K extends string = string> {
  readonly key: K;
  /** The version of the form that first asked it: older accounts count as "not asked". */
  readonly since: 2 | 3;
  readonly group: (typeof factGroups.keys)[number];
  /** The question as the source reads it, and as tables title it. */
  readonly label: string;
  /** One plain hint under the question. */
  readonly hint: string;
  readonly answers: NamedVocabulary & { readonly terms: readonly Term[]; has(value: unknown): value is string; keys: readonly string[] };
}

// The question's words live in locales/<language>/vocabulary.json under factQuestions.<key>.
const factQuestion = <const K extends string>(since: FactQuestion<K>['since'], key: K, group: FactQuestion<K>['group'], answers: FactQuestion<K>['answers']): FactQuestion<K> => ({
  key,
  since,
  group,
  label: englishLabel(['factQuestions', key, 'label']),
  hint: englishLabel(['factQuestions', key, 'hint']),
  answers,
});

/**
 * The version-2 questions, in form order; each answer comes from its own vocabulary. The half-year
 * the work happened is asked beside them but is no vocabulary (see halfYear in intake/account.ts).
 */
export const factQuestions = [
  factQuestion(2, 'advertisedPayBand', 'pay', payBands),
  factQuestion(2, 'unpaidHours', 'pay', unpaidHoursBands),
  factQuestion(2, 'paidShare', 'pay', paidShares),
  factQuestion(2, 'latePay', 'pay', payDelays),
  factQuestion(2, 'endedWithoutNotice', 'stability', conditionAnswers),
  factQuestion(2, 'noticeGiven', 'stability', noticePeriods),
  factQuestion(2, 'rateCut', 'stability', conditionAnswers),
  factQuestion(2, 'deactivated', 'stability', yesNo),
  factQuestion(2, 'appealPossible', 'stability', conditionAnswers),
  factQuestion(2, 'monitoring', 'oversight', conditionAnswers),
  factQuestion(2, 'union', 'oversight', unions),
  // Version 3 (issue 32), in the words of 2025–26's reporting.
  factQuestion(3, 'aiInterview', 'hiring', conditionAnswers),
  factQuestion(3, 'monitoringTools', 'hiring', monitoringTools),
  factQuestion(3, 'idVerification', 'hiring', conditionAnswers),
  factQuestion(3, 'toldOfBreach', 'hiring', breachNotices),
  factQuestion(3, 'classification', 'hiring', workerClassifications),
  factQuestion(3, 'payMethod', 'hiring', payMethods),
  factQuestion(3, 'relaunchedLower', 'treatment', conditionAnswers),
  factQuestion(3, 'realClientData', 'treatment', conditionAnswers),
  factQuestion(3, 'complaint', 'treatment', complaintOutcomes),
  factQuestion(3, 'trainingPaid', 'treatment', trainingPay),
  factQuestion(3, 'location', 'treatment', locationGroups),
] as const;

export type FactKey = (typeof factQuestions)[number]['key'];

/** What the statistics count beside the answers: two facts derived from a pair of answers. */
export const payAgainstAdvertised = vocabulary('payAgainstAdvertised', ['below', 'same', 'above']);

export const deactivationOutcomes = vocabulary('deactivationOutcomes', ['not_deactivated', 'appeal_possible', 'no_appeal', 'appeal_unsure']);

/** The column a version-1 account fills in every table of a version-2 question: never "no". */
export const NOT_ASKED: Term<'not_asked'> = { key: 'not_asked', label: englishLabel(['notAsked']) };

export const accountVersions = vocabulary('accountVersions', ['1', '2', '3']);

/** The principles of the per-platform scorecard (/platforms), after Fairwork's and Turkopticon's. */
export const scorecardPrinciples = vocabulary('scorecardPrinciples', [
  'fair_pay',
  'paid_for_all_work',
  'notice_and_stability',
  'support_for_disturbing_work',
  'transparency_about_data_use',
  'fair_management',
]);
/** The attribution a draft starts from: the coarse label of the account's former role (DESIGN §6). */
export const roleAttribution: Record<Role, AttributionLabel> = {
  writer: 'hollywood_writer',
  showrunner: 'showrunner',
  writers_assistant: 'writers_room_staff',
  script_coordinator: 'writers_room_staff',
  story_editor: 'hollywood_writer',
  development_executive: 'industry_insider',
  actor: 'performer',
  vfx_animation: 'film_tv_crew',
  post_production: 'film_tv_crew',
  other: 'industry_insider',
};

export function defaultAttributionFor(role: string | undefined | null): AttributionLabel {
  return role && roles.has(role) ? roleAttribution[role] : 'industry_insider';
}

// The workflow's states (server/workflow.ts) in the words the console shows.
export const submissionStatusLabels = vocabulary('submissionStatusLabels', ['received', 'in_review', 'needs_info', 'accepted', 'rejected', 'withdrawn']);

export const storyStatusLabels = vocabulary('storyStatusLabels', ['draft', 'awaiting_second_review', 'approved', 'published', 'retracted']);

/** The queue's claim filter. */
export const claimFilters = vocabulary('claimFilters', ['any', 'unclaimed', 'mine', 'others']);

/** Why a tag or an attribution is published other than as chosen (DESIGN §6, the K_MIN rule). */
export function fallbackReason(kMin: number): string {
  return `fewer than ${kMin} accounts share this label today`;
}

/** How the queue says it is empty, per status filter: "No submission waits for a decision." */
export const emptyQueuePhrases = vocabulary('emptyQueuePhrases', ['undecided', 'received', 'in_review', 'needs_info', 'accepted', 'rejected', 'withdrawn']);

/**
 * The audit log's actions (DESIGN §4), each in the words the audit page shows. server/moderation/audit.ts
 * takes AUDIT_ACTIONS from these keys, so an action cannot be recorded before it has a label.
 */
export const auditActions = vocabulary('auditActions', [
  'moderator.invited',
  'moderator.enrolled',
  'moderator.disabled',
  'intake_key.created',
  'intake_key.granted',
  'moderator.key_verified',
  'intake_key.rotated',
  'session.login',
  'session.logout',
  'passkey.added',
  'passkey.removed',
  'passkey.refused',
  'passkey.origin_link',
  'moderator.reenrolment_started',
  'submission.opened',
  'submission.claimed',
  'submission.taken_over',
  'submission.released',
  'submission.accepted',
  'submission.rejected',
  'submission.question_asked',
  'submission.withdrawn',
  'story.submitted_for_review',
  'story.approved',
  'story.returned',
  'story.returned_at_release',
  'watch_list.updated',
  'retention.purged',
  'team_change.proposed',
  'team_change.refused',
  'team_change.withdrawn',
  'moderator.role_changed',
  'moderator.invitation_confirmed',
  'evidence.platform_domain_added',
  'evidence.platform_domain_removed',
  'press.invited',
  'press.question_asked',
  'press.question_relayed',
  'press.question_declined',
  'press.answered_privately',
  'press.answered_for_publication',
  'press.source_declined',
  'press.answer_drafted',
  'press.answer_published',
]);
export type AuditAction = (typeof auditActions.keys)[number];

/** What an audit entry is about. */
export const auditSubjectTypes = vocabulary('auditSubjectTypes', ['submission', 'story', 'moderator', 'intake_key', 'press_question']);
export type AuditSubjectType = (typeof auditSubjectTypes.keys)[number];

/** The names of the details an audit entry may carry (counts, handles, fingerprints: never a source's text). */
export const auditDetailNames = vocabulary('auditDetailNames', [
  'handle',
  'role',
  'from',
  'fingerprint',
  'keys',
  'moderators',
  'passkey',
  'keysBound',
  'origin',
  'step',
  'reason',
  'platform',
  'domain',
  'verificationTier',
  'documentKinds',
  'dismissedIdentifierMarks',
  'count',
  'filesDeleted',
  'unsentUploadsDeleted',
  'storiesRetracted',
  'draftsDeleted',
  'change',
  'approvedBy',
  'leftOut',
  'withoutPrf',
  'fromShell',
  'proposal',
]);
