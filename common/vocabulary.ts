// The controlled vocabularies of DESIGN §5: the one source of truth for forms, validation,
// moderation facets and public statistics. Keys are stable (stored inside sealed accounts);
// labels are what people read.

export interface Term<K extends string = string> {
  readonly key: K;
  readonly label: string;
}

function vocabulary<const K extends string>(terms: readonly Term<K>[]) {
  return {
    terms,
    keys: terms.map((t) => t.key) as readonly K[],
    // Any string: keys come back from the database and from forms; an unknown one shows as itself.
    labelOf(key: string): string {
      return terms.find((t) => t.key === key)?.label ?? key;
    },
    has(value: unknown): value is K {
      return typeof value === 'string' && terms.some((t) => t.key === value);
    },
  };
}

export const roles = vocabulary([
  { key: 'writer', label: 'Writer' },
  { key: 'showrunner', label: 'Showrunner' },
  { key: 'writers_assistant', label: "Writers' assistant" },
  { key: 'script_coordinator', label: 'Script coordinator' },
  { key: 'story_editor', label: 'Story editor' },
  { key: 'development_executive', label: 'Development executive' },
  { key: 'actor', label: 'Actor' },
  { key: 'vfx_animation', label: 'VFX / animation' },
  { key: 'post_production', label: 'Post-production' },
  { key: 'other', label: 'Other' },
]);

export const platforms = vocabulary([
  { key: 'mercor', label: 'Mercor' },
  { key: 'outlier', label: 'Outlier' },
  { key: 'turing', label: 'Turing' },
  { key: 'scale_remotasks', label: 'Scale AI / Remotasks' },
  { key: 'dataannotation', label: 'DataAnnotation' },
  { key: 'invisible', label: 'Invisible' },
  { key: 'appen', label: 'Appen' },
  { key: 'other', label: 'Other' },
]);

export const taskTypes = vocabulary([
  { key: 'rating_responses', label: 'Rating chatbot responses' },
  { key: 'writing_prompts', label: 'Writing prompts / answers' },
  { key: 'annotation', label: 'Annotation / labelling' },
  { key: 'red_teaming', label: 'Red-teaming / unsafe content' },
  { key: 'image_video_evaluation', label: 'Image / video evaluation' },
  { key: 'other', label: 'Other' },
]);

// Ordered from lowest to highest so that medians of bands are meaningful.
export const payBands = vocabulary([
  { key: 'under_20', label: 'Under $20 an hour' },
  { key: '20_39', label: '$20–39 an hour' },
  { key: '40_59', label: '$40–59 an hour' },
  { key: '60_89', label: '$60–89 an hour' },
  { key: '90_119', label: '$90–119 an hour' },
  { key: '120_150', label: '$120–150 an hour' },
  { key: 'over_150', label: 'Over $150 an hour' },
]);

// DESIGN §5 names an hours band without its bounds; these follow common labour-survey cuts.
export const hoursBands = vocabulary([
  { key: 'under_10', label: 'Under 10 hours a week' },
  { key: '10_19', label: '10–19 hours a week' },
  { key: '20_29', label: '20–29 hours a week' },
  { key: '30_39', label: '30–39 hours a week' },
  { key: '40_49', label: '40–49 hours a week' },
  { key: '50_plus', label: '50 hours a week or more' },
]);

export const conditions = vocabulary([
  { key: 'nda_signed', label: 'I signed a non-disclosure agreement' },
  { key: 'stopped_without_notice', label: 'Work stopped without notice' },
  { key: 'disturbing_content', label: 'I was exposed to disturbing content' },
  { key: 'support_offered', label: 'Support was offered for disturbing content' },
  { key: 'paid_all_time', label: 'I was paid for all the time I worked' },
  { key: 'told_data_use', label: 'I was told how the data is used' },
]);

export const conditionAnswers = vocabulary([
  { key: 'yes', label: 'Yes' },
  { key: 'no', label: 'No' },
  { key: 'unsure', label: 'Not sure' },
]);

export const consents = vocabulary([
  { key: 'quote', label: 'De-identified quotes from my account may be published' },
  { key: 'stats', label: 'Count my account in statistics only; never quote it' },
  { key: 'background', label: 'Moderators may read it as background only; do not publish or count it' },
]);

// The verification tier (issue 18): recorded at acceptance by a moderator who opened the
// account's attached files; labels read after "a" in the published sentence.
export const verificationTiers = vocabulary([{ key: 'documents_seen', label: 'A moderator saw documents supporting this account' }]);
export const documentKinds = vocabulary([
  { key: 'pay_record', label: 'pay record' },
  { key: 'platform_message', label: 'platform message' },
  { key: 'contract', label: 'contract' },
  { key: 'task_screenshot', label: 'task screenshot' },
]);
// The tiers the statistics split by (issue 18): every counted account is in exactly one. "None"
// says only that no documents were recorded as seen, never that an account is doubted.
export const statisticsTiers = vocabulary([
  { key: 'documents_seen', label: 'A moderator saw supporting documents' },
  { key: 'none', label: 'No documents recorded' },
]);

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
export const attributionLabels = vocabulary([
  { key: 'hollywood_writer', label: 'Anonymous Hollywood writer' },
  { key: 'showrunner', label: 'Anonymous showrunner' },
  { key: 'writers_room_staff', label: "Anonymous writers' room staffer" },
  { key: 'film_tv_crew', label: 'Anonymous film and TV crew member' },
  { key: 'performer', label: 'Anonymous performer' },
  { key: 'industry_insider', label: 'Industry insider' },
  { key: 'anonymous_contributor', label: 'Anonymous contributor' },
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
export const moderatorRoles = vocabulary([
  { key: 'moderator', label: 'Moderator' },
  { key: 'administrator', label: 'Administrator' },
]);
export type ModeratorRole = (typeof moderatorRoles.keys)[number];

// ---- Account version 2 (DESIGN §5): the questions reporters ask, each optional. ----

/** Unpaid hours in total (assessments, onboarding, training), not per week. */
export const unpaidHoursBands = vocabulary([
  { key: 'none', label: 'None' },
  { key: 'under_5', label: 'Under 5 hours' },
  { key: '5_19', label: '5–19 hours' },
  { key: '20_49', label: '20–49 hours' },
  { key: '50_plus', label: '50 hours or more' },
]);

export const paidShares = vocabulary([
  { key: 'all', label: 'All of it' },
  { key: 'most', label: 'Most of it' },
  { key: 'about_half', label: 'About half' },
  { key: 'less_than_half', label: 'Less than half' },
  { key: 'not_sure', label: 'Not sure' },
]);

export const noticePeriods = vocabulary([
  { key: 'none', label: 'No notice' },
  { key: 'under_24_hours', label: 'Under 24 hours' },
  { key: '1_7_days', label: '1–7 days' },
  { key: 'over_7_days', label: 'More than 7 days' },
]);

export const yesNo = vocabulary([
  { key: 'yes', label: 'Yes' },
  { key: 'no', label: 'No' },
]);

export const payDelays = vocabulary([
  { key: 'never', label: 'Never' },
  { key: 'sometimes', label: 'Sometimes' },
  { key: 'often', label: 'Often' },
]);

export const unions = vocabulary([
  { key: 'wga', label: 'WGA' },
  { key: 'sag_aftra', label: 'SAG-AFTRA' },
  { key: 'iatse', label: 'IATSE' },
  { key: 'another', label: 'Another union or guild' },
  { key: 'none', label: 'None' },
  { key: 'prefer_not_to_say', label: 'Prefer not to say' },
]);

/** The groups of the form's optional section "The facts reporters ask about". */
export const factGroups = vocabulary([
  { key: 'pay', label: 'Pay and unpaid work' },
  { key: 'stability', label: 'Endings, cuts and deactivation' },
  { key: 'oversight', label: 'Monitoring and representation' },
  // Version 3 (issue 32): what 2025–26's reporting asks.
  { key: 'hiring', label: 'Hiring, surveillance and your data' },
  { key: 'treatment', label: 'Relaunches, client data, complaints and training' },
]);

// ---- Account version 3 (DESIGN §5, issue 32): bands and yes / no / not sure, never amounts or dates. ----

/** The most intrusive monitoring the work required. */
export const monitoringTools = vocabulary([
  { key: 'none', label: 'None' },
  { key: 'time_tracking', label: 'Time-tracking software only' },
  { key: 'screenshots_keystrokes', label: 'Screenshots of my screen or keystroke logging' },
  { key: 'webcam', label: 'Webcam photos or video' },
  { key: 'unsure', label: 'Not sure' },
]);

export const breachNotices = vocabulary([
  { key: 'told', label: 'Yes, the platform told me' },
  { key: 'learned_elsewhere', label: 'No, I learned of it from the news or other workers' },
  { key: 'not_told', label: 'No, I have not been told' },
  { key: 'not_affected', label: 'I did not work for Mercor then' },
  { key: 'unsure', label: 'Not sure' },
]);

export const workerClassifications = vocabulary([
  { key: 'contractor', label: 'Independent contractor (1099 or similar)' },
  { key: 'employee', label: 'Employee of the platform' },
  { key: 'agency_temp', label: 'Temp through a staffing agency' },
  { key: 'unsure', label: 'Not sure' },
]);

export const payMethods = vocabulary([
  { key: 'hourly', label: 'By the hour' },
  { key: 'per_task', label: 'By the task' },
  { key: 'mixed', label: 'Both' },
  { key: 'unsure', label: 'Not sure' },
]);

export const complaintOutcomes = vocabulary([
  { key: 'did_not_complain', label: 'I did not complain' },
  { key: 'put_right', label: 'I complained and it was put right' },
  { key: 'nothing_changed', label: 'I complained and nothing changed' },
  { key: 'lost_work', label: 'I complained and then lost work or was removed' },
  { key: 'unsure', label: 'Not sure' },
]);

export const trainingPay = vocabulary([
  { key: 'none_asked', label: 'I was not asked to attend any' },
  { key: 'all_paid', label: 'All of it was paid' },
  { key: 'some_paid', label: 'Some of it was paid' },
  { key: 'unpaid', label: 'None of it was paid' },
  { key: 'unsure', label: 'Not sure' },
]);

/**
 * Where the work was done, for comparing pay with the local minimum wage: a country or a group of
 * US states by minimum wage, never a city or a state on its own (DESIGN §5 version 3).
 */
export const locationGroups = vocabulary([
  { key: 'us_15_plus', label: 'United States: a state with a minimum wage of $15 or more (such as California, New York, Washington)' },
  { key: 'us_10_15', label: 'United States: a state with a minimum wage from $10 to under $15' },
  { key: 'us_federal', label: 'United States: a state at the federal minimum wage of $7.25 or under $10' },
  { key: 'canada', label: 'Canada' },
  { key: 'united_kingdom', label: 'United Kingdom' },
  { key: 'european_union', label: 'A European Union country' },
  { key: 'australia_nz', label: 'Australia or New Zealand' },
  { key: 'latin_america', label: 'Latin America' },
  { key: 'india', label: 'India' },
  { key: 'philippines', label: 'Philippines' },
  { key: 'africa', label: 'A country in Africa' },
  { key: 'elsewhere', label: 'Somewhere else' },
]);

interface FactQuestion<K extends string> {
  readonly key: K;
  /** The version of the form that first asked it: older accounts count as "not asked". */
  readonly since: 2 | 3;
  readonly group: (typeof factGroups.keys)[number];
  /** The question as the source reads it, and as tables title it. */
  readonly label: string;
  /** One plain hint under the question. */
  readonly hint: string;
  readonly answers: { readonly terms: readonly Term[]; has(value: unknown): value is string; keys: readonly string[]; labelOf(key: string): string };
}

const factQuestion = <const K extends string>(question: FactQuestion<K>) => question;

/**
 * The version-2 questions, in form order; each answer comes from its own vocabulary. The half-year
 * the work happened is asked beside them but is no vocabulary (see halfYear in intake/account.ts).
 */
export const factQuestions = [
  factQuestion({ since: 2, key: 'advertisedPayBand', group: 'pay', label: 'Pay the advertisement or recruiter offered', hint: 'The hourly rate you were promised, before any cut.', answers: payBands }),
  factQuestion({ since: 2, key: 'unpaidHours', group: 'pay', label: 'Unpaid hours: assessments, onboarding, training', hint: 'All of it together, not per week.', answers: unpaidHoursBands }),
  factQuestion({ since: 2, key: 'paidShare', group: 'pay', label: 'How much of the time you worked was paid', hint: 'Count time the platform’s tracker did not record.', answers: paidShares }),
  factQuestion({ since: 2, key: 'latePay', group: 'pay', label: 'Pay came late or never came', hint: 'Any payment later than promised counts.', answers: payDelays }),
  factQuestion({ since: 2, key: 'endedWithoutNotice', group: 'stability', label: 'A project you worked on ended without notice', hint: 'For example closed overnight, or your access removed.', answers: conditionAnswers }),
  factQuestion({ since: 2, key: 'noticeGiven', group: 'stability', label: 'The notice you were given when a project ended', hint: 'The shortest notice you got, if several ended.', answers: noticePeriods }),
  factQuestion({ since: 2, key: 'rateCut', group: 'stability', label: 'Your rate was cut when a project relaunched or moved', hint: 'The same work, offered again for less.', answers: conditionAnswers }),
  factQuestion({ since: 2, key: 'deactivated', group: 'stability', label: 'Your account was deactivated', hint: 'Shut out of the platform, not just off one project.', answers: yesNo }),
  factQuestion({ since: 2, key: 'appealPossible', group: 'stability', label: 'You could appeal the deactivation', hint: 'Leave empty if you were never deactivated.', answers: conditionAnswers }),
  factQuestion({ since: 2, key: 'monitoring', group: 'oversight', label: 'Monitoring software was used on you', hint: 'Screen, webcam, mouse or keystroke tracking.', answers: conditionAnswers }),
  factQuestion({ since: 2, key: 'union', group: 'oversight', label: 'Your union or guild', hint: 'Only counted; never shown beside a quote.', answers: unions }),
  // Version 3 (issue 32), in the words of 2025–26's reporting.
  factQuestion({ since: 3, key: 'aiInterview', group: 'hiring', label: 'An AI interviewed you or watched you take a test (AI interview or proctoring)', hint: 'A recorded interview scored by software, or a test watched by your camera.', answers: conditionAnswers }),
  factQuestion({ since: 3, key: 'monitoringTools', group: 'hiring', label: 'The most intrusive monitoring you had to accept to be paid', hint: 'Mandatory tools only: time tracking, screenshots, keystrokes, webcam.', answers: monitoringTools }),
  factQuestion({ since: 3, key: 'idVerification', group: 'hiring', label: 'You had to verify your identity through an outside ID-verification company', hint: 'A passport or ID scan and a selfie sent to another company.', answers: conditionAnswers }),
  factQuestion({ since: 3, key: 'toldOfBreach', group: 'hiring', label: 'Mercor told you of its March 2026 data breach (tax forms and recorded interviews exposed)', hint: 'Answer only about what you were told, not about what was taken.', answers: breachNotices }),
  factQuestion({ since: 3, key: 'classification', group: 'hiring', label: 'How you were hired: contractor, employee or agency temp', hint: 'What your contract or tax form said.', answers: workerClassifications }),
  factQuestion({ since: 3, key: 'payMethod', group: 'hiring', label: 'How you were paid', hint: 'By the hour, by the task, or both.', answers: payMethods }),
  factQuestion({ since: 3, key: 'relaunchedLower', group: 'treatment', label: 'A project came back under a new name at a lower rate', hint: 'The same work, renamed and offered again for less.', answers: conditionAnswers }),
  factQuestion({ since: 3, key: 'realClientData', group: 'treatment', label: 'You were asked to use real client or customer data', hint: 'Real people’s documents, messages or records, not made-up examples.', answers: conditionAnswers }),
  factQuestion({ since: 3, key: 'complaint', group: 'treatment', label: 'You complained to the platform, and what followed', hint: 'About pay, hours, content or treatment.', answers: complaintOutcomes }),
  factQuestion({ since: 3, key: 'trainingPaid', group: 'treatment', label: 'Training sessions and webinars you were asked to attend were paid', hint: 'Onboarding calls, webinars, required courses.', answers: trainingPay }),
  factQuestion({ since: 3, key: 'location', group: 'treatment', label: 'Where you worked from: a country, or a group of US states', hint: 'Only to compare pay with the local minimum wage; never a city.', answers: locationGroups }),
] as const;

export type FactKey = (typeof factQuestions)[number]['key'];

/** What the statistics count beside the answers: two facts derived from a pair of answers. */
export const payAgainstAdvertised = vocabulary([
  { key: 'below', label: 'Paid below the advertised band' },
  { key: 'same', label: 'Paid in the advertised band' },
  { key: 'above', label: 'Paid above the advertised band' },
]);

export const deactivationOutcomes = vocabulary([
  { key: 'not_deactivated', label: 'Not deactivated' },
  { key: 'appeal_possible', label: 'Deactivated, could appeal' },
  { key: 'no_appeal', label: 'Deactivated, no appeal' },
  { key: 'appeal_unsure', label: 'Deactivated, not sure about appeal' },
]);

/** The column a version-1 account fills in every table of a version-2 question: never "no". */
export const NOT_ASKED: Term<'not_asked'> = { key: 'not_asked', label: 'Not asked (an account from before these questions)' };

export const accountVersions = vocabulary([
  { key: '1', label: 'Before the newer questions (version 1)' },
  { key: '2', label: 'Asked the newer questions (version 2)' },
  { key: '3', label: 'Asked the 2026 questions too (version 3)' },
]);

/** The principles of the per-platform scorecard (/platforms), after Fairwork's and Turkopticon's. */
export const scorecardPrinciples = vocabulary([
  { key: 'fair_pay', label: 'Fair pay' },
  { key: 'paid_for_all_work', label: 'Paid for all work' },
  { key: 'notice_and_stability', label: 'Notice and stability' },
  { key: 'support_for_disturbing_work', label: 'Support for disturbing work' },
  { key: 'transparency_about_data_use', label: 'Transparency about data use' },
  { key: 'fair_management', label: 'Fair management' },
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
export const submissionStatusLabels = vocabulary([
  { key: 'received', label: 'received' },
  { key: 'in_review', label: 'in review' },
  { key: 'needs_info', label: 'waiting for the source' },
  { key: 'accepted', label: 'accepted' },
  { key: 'rejected', label: 'rejected' },
  { key: 'withdrawn', label: 'withdrawn' },
]);

export const storyStatusLabels = vocabulary([
  { key: 'draft', label: 'draft (returned to its author)' },
  { key: 'awaiting_second_review', label: 'awaiting a second review' },
  { key: 'approved', label: 'approved, waiting for the next batch' },
  { key: 'published', label: 'published' },
  { key: 'retracted', label: 'retracted' },
]);

/** The queue's claim filter. */
export const claimFilters = vocabulary([
  { key: 'any', label: 'Anyone or nobody' },
  { key: 'unclaimed', label: 'Nobody yet' },
  { key: 'mine', label: 'Claimed by me' },
  { key: 'others', label: 'Claimed by others' },
]);

/** Why a tag or an attribution is published other than as chosen (DESIGN §6, the K_MIN rule). */
export function fallbackReason(kMin: number): string {
  return `fewer than ${kMin} accounts share this label today`;
}

/** How the queue says it is empty, per status filter: "No submission waits for a decision." */
export const emptyQueuePhrases = vocabulary([
  { key: 'undecided', label: 'waits for a decision' },
  { key: 'received', label: 'waits to be started' },
  { key: 'in_review', label: 'is in review' },
  { key: 'needs_info', label: 'waits for the source' },
  { key: 'accepted', label: 'has been accepted' },
  { key: 'rejected', label: 'has been rejected' },
  { key: 'withdrawn', label: 'has been withdrawn' },
]);

/**
 * The audit log's actions (DESIGN §4), each in the words the audit page shows. server/moderation/audit.ts
 * takes AUDIT_ACTIONS from these keys, so an action cannot be recorded before it has a label.
 */
export const auditActions = vocabulary([
  { key: 'moderator.invited', label: 'Moderator invited' },
  { key: 'moderator.enrolled', label: 'Moderator enrolled' },
  { key: 'moderator.disabled', label: 'Moderator disabled' },
  { key: 'intake_key.created', label: 'Intake key created' },
  { key: 'intake_key.granted', label: 'Intake key granted to a moderator' },
  { key: 'moderator.key_verified', label: 'Moderator’s key fingerprint verified' },
  { key: 'intake_key.rotated', label: 'Intake key rotated' },
  { key: 'session.login', label: 'Logged in' },
  { key: 'session.logout', label: 'Logged out' },
  { key: 'passkey.added', label: 'Passkey added' },
  { key: 'passkey.removed', label: 'Passkey removed' },
  { key: 'passkey.refused', label: 'Passkey refused' },
  { key: 'moderator.reenrolment_started', label: 'Re-enrolment started' },
  { key: 'submission.opened', label: 'Submission opened' },
  { key: 'submission.claimed', label: 'Review started (claimed)' },
  { key: 'submission.taken_over', label: 'Review taken over' },
  { key: 'submission.released', label: 'Review released for someone else' },
  { key: 'submission.accepted', label: 'Submission accepted' },
  { key: 'submission.rejected', label: 'Submission rejected' },
  { key: 'submission.question_asked', label: 'Question sent to the source' },
  { key: 'submission.withdrawn', label: 'Withdrawn by the source' },
  { key: 'story.submitted_for_review', label: 'Story sent for second review' },
  { key: 'story.approved', label: 'Story approved' },
  { key: 'story.returned', label: 'Story returned to its author' },
  { key: 'story.returned_at_release', label: 'Story returned at release (its publication would have changed)' },
  { key: 'watch_list.updated', label: 'Watch list updated' },
  { key: 'retention.purged', label: 'Old submissions deleted (retention)' },
  { key: 'team_change.proposed', label: 'Team change proposed (waiting for a second administrator)' },
  { key: 'team_change.refused', label: 'Team change refused by a second administrator' },
  { key: 'team_change.withdrawn', label: 'Team change withdrawn by its proposer' },
  { key: 'moderator.role_changed', label: 'Moderator’s role changed' },
  { key: 'moderator.invitation_confirmed', label: 'Invitation confirmed by a second administrator' },
]);
export type AuditAction = (typeof auditActions.keys)[number];

/** What an audit entry is about. */
export const auditSubjectTypes = vocabulary([
  { key: 'submission', label: 'Submission' },
  { key: 'story', label: 'Story' },
  { key: 'moderator', label: 'Moderator' },
  { key: 'intake_key', label: 'Intake key' },
]);
export type AuditSubjectType = (typeof auditSubjectTypes.keys)[number];

/** The names of the details an audit entry may carry (counts, handles, fingerprints: never a source's text). */
export const auditDetailNames = vocabulary([
  { key: 'handle', label: 'moderator' },
  { key: 'role', label: 'role' },
  { key: 'from', label: 'taken over from' },
  { key: 'fingerprint', label: 'fingerprint' },
  { key: 'keys', label: 'intake keys' },
  { key: 'moderators', label: 'moderators granted' },
  { key: 'passkey', label: 'passkey' },
  { key: 'keysBound', label: 'keys bound to the passkey' },
  { key: 'step', label: 'at' },
  { key: 'reason', label: 'reason' },
  { key: 'verificationTier', label: 'verification' },
  { key: 'documentKinds', label: 'documents seen' },
  { key: 'dismissedIdentifierMarks', label: 'marks judged not identifying' },
  { key: 'count', label: 'submissions deleted' },
  { key: 'filesDeleted', label: 'files deleted' },
  { key: 'unsentUploadsDeleted', label: 'unsent uploads deleted' },
  { key: 'storiesRetracted', label: 'stories retracted' },
  { key: 'draftsDeleted', label: 'drafts deleted' },
  { key: 'change', label: 'change' },
  { key: 'approvedBy', label: 'approved by' },
  { key: 'leftOut', label: 'left out' },
  { key: 'withoutPrf', label: 'holding the key without PRF (operator allowed)' },
  { key: 'fromShell', label: 'from the shell (break glass)' },
  { key: 'proposal', label: 'proposal' },
]);
