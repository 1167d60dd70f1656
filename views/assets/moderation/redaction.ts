/**
 * Redaction helper for moderators.
 *
 * Marks likely identifiers (people's names, emails, phone numbers, URLs,
 * @handles, dates, money amounts and moderator-supplied watch-list terms) in
 * an account so that a moderator can redact them with one click. It only
 * *suggests*: the moderator still reads the whole account.
 *
 * Pure module: no Node APIs and no DOM. It is bundled into the moderator's
 * browser page and unit-tested in Node.
 */
import nlp from 'compromise';

export type IdentifierKind = 'name' | 'email' | 'phone' | 'url' | 'handle' | 'date' | 'money' | 'watch_list';

export interface IdentifierMatch {
  kind: IdentifierKind;
  start: number;
  end: number;
  text: string;
}

interface Span {
  kind: IdentifierKind;
  start: number;
  end: number;
}

/* ------------------------------------------------------------------------ */
/* Vocabulary                                                               */
/* ------------------------------------------------------------------------ */

/** AI-training platforms: talking about them is the point of an account. */
const PLATFORM_WORDS = new Set([
  'mercor',
  'outlier',
  'turing',
  'scale',
  'scaleai',
  'remotasks',
  'dataannotation',
  'data',
  'annotation',
  'invisible',
  'appen',
  'ai',
  'surge',
  'surgehq',
  'alignerr',
  'labelbox',
  'toloka',
  'telus',
  'prolific',
  'handshake',
]);

const MONTH_WORDS = new Set([
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  // Spanish and Portuguese (issue 31): "Marzo", "Setembro" are months, not names.
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'setiembre',
  'octubre',
  'noviembre',
  'diciembre',
  'janeiro',
  'fevereiro',
  'março',
  'maio',
  'junho',
  'julho',
  'setembro',
  'outubro',
  'novembro',
  'dezembro',
  'ene',
  'fev',
  'abr',
  'mai',
  'ago',
  'set',
  'out',
  'dic',
  'dez',
]);

const WEEKDAY_WORDS = new Set([
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'mon',
  'tue',
  'tues',
  'wed',
  'thu',
  'thurs',
  'fri',
  'sat',
  'sun',
  'lunes',
  'martes',
  'miércoles',
  'miercoles',
  'jueves',
  'viernes',
  'sábado',
  'sabado',
  'domingo',
  'segunda',
  'terça',
  'terca',
  'quarta',
  'quinta',
  'sexta',
  'segunda-feira',
  'terça-feira',
  'quarta-feira',
  'quinta-feira',
  'sexta-feira',
]);

/**
 * Capitalised words that are not names: function words (capitalised at the
 * start of titles), products and services workers mention, unions, industry
 * vocabulary, and generic nouns that appear in title case.
 */
const COMMON_CAPITALISED = new Set(
  (
    'the a an and or but of on in at to for from by with without about into over after before ' +
    'i me my we our us you your he him his she her they them their it its this that these those ' +
    'if then so as not no yes ok okay hi hello hey dear thanks thank please sorry ' +
    'mine yours hers ours theirs myself yourself everyone someone nobody anyone ' +
    'buddy dude bro mate guy guys man lady folks chief honey babe ' +
    'what who whom which when where why how is was were be been are am do did does done ' +
    'mr mrs ms mx dr prof miss mister sir madam madame señor señora sra sr ' +
    'slack discord linkedin google docs drive sheets gmail zoom teams meet microsoft word excel ' +
    'bluesky twitter x instagram facebook meta reddit tiktok youtube whatsapp telegram signal ' +
    'imdb netflix hbo max amazon prime apple disney hulu paramount peacock universal warner ' +
    'chatgpt openai gpt claude anthropic gemini bard llama copilot midjourney sora runway ' +
    'final draft celtx pdf paypal venmo upwork fiverr deel wise payoneer stripe ' +
    'wga wgae wgaw sag aftra iatse dga guild union local writers directors actors editors ' +
    'tv film show series season episode pilot studio studios pictures entertainment network ' +
    'project task tasks platform team lead manager support help desk admin review reviewer ' +
    'vfx cg cgi post production dailies editor assistant coordinator showrunner producer ' +
    'los las san santa new york city angeles la nyc london toronto vancouver atlanta ' +
    'north south east west street st avenue ave road rd boulevard blvd ' +
    'english spanish french german american british canadian ' +
    'awards award festival picture producers productions films media group company inc llc ltd corp ' +
    'association alliance institute university college school academy foundation council committee ' +
    'department agency bureau office center centre hall theater theatre park county state times journal ' +
    'reporter magazine news premiere policy security privacy browser server database software tor onion ' +
    'q a ' +
    'monday tuesday wednesday thursday friday saturday sunday christmas thanksgiving easter'
  )
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

const HONORIFICS =
  '(?:[Mm]rs?|[Mm]s|[Mm]x|[Dd]r|[Pp]rof|[Mm]iss|[Mm]ister|[Mm]adam|[Mm]adame|[Mm]me|[Ss]ir|[Dd]ame|' +
  '[Ss]eñora|[Ss]eñor|[Ss]eñorita|[Ss]ra|[Ss]rta|[Ss]r|[Hh]err|[Ff]rau|[Mm]onsieur|[Mm]lle)';

/** A capitalised name word: "Dana", "O'Neil", "Ashby-Grant", "Mei-Ling", "Lucía". Not ALL CAPS. */
const NAME_WORD = "\\p{Lu}\\p{Ll}+(?:[-'’]\\p{Lu}?\\p{Ll}+)*";
/** Same, for names that may also be written in lower case ("named kevin"). */
const ANY_CASE_NAME_WORD = "\\p{L}\\p{Ll}+(?:[-'’]\\p{L}?\\p{Ll}+)*";

/** Nouns for people that are commonly followed by that person's name. */
const ROLE_NOUN_LIST = [
  'boss',
  'manager',
  'team lead',
  'project lead',
  'ops lead',
  'lead',
  'showrunner',
  'supervisor',
  'agent',
  'director',
  'executive producer',
  'producer',
  'exec',
  'executive',
  'editor',
  'coordinator',
  'recruiter',
  'colleague',
  'co-writer',
  'cowriter',
  'writing partner',
  'partner',
  'friend',
  'buddy',
  'contact',
  'mentor',
  'reviewer',
  'admin',
  'rep',
  'representative',
  'lawyer',
  'attorney',
  'head writer',
  'co-ep',
  'teammate',
  'coworker',
  'co-worker',
  'assistant',
  'queue manager',
  'point of contact',
  'handler',
  'trainer',
  'onboarder',
  'mom',
  'dad',
  'wife',
  'husband',
  'sister',
  'brother',
  'cousin',
  'roommate',
  'spouse',
  // Spanish and Portuguese (issue 31): "mi jefa Lucía", "o recrutador João".
  'jefe',
  'jefa',
  'supervisora',
  'gerente',
  'reclutador',
  'reclutadora',
  'compañero',
  'compañera',
  'coordinador',
  'coordinadora',
  'encargado',
  'encargada',
  'amigo',
  'amiga',
  'colega',
  'chefe',
  'recrutador',
  'recrutadora',
  'gestor',
  'gestora',
  'líder',
  'coordenador',
  'coordenadora',
  'revisor',
  'revisora',
];
/** Role nouns, matching a lower-case or capitalised first letter ("My agent", "Agent"). */
const ROLE_NOUNS = `(?:${ROLE_NOUN_LIST.map((w) => `[${w.charAt(0).toUpperCase()}${w.charAt(0)}]${w.slice(1)}`).join('|')})`;

const WORD_CHAR = '[\\p{L}\\p{N}_]';

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
}

function* allMatches(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex += 1;
      continue;
    }
    yield m;
  }
}

/** Trim characters matching `re` from the end of [start, end). */
function trimEnd(text: string, start: number, end: number, re: RegExp): number {
  while (end > start && re.test(text.charAt(end - 1))) end -= 1;
  return end;
}

type Lexicon = Record<string, string | undefined>;

let lexiconCache: Lexicon | undefined;
function lexicon(): Lexicon {
  if (lexiconCache === undefined) {
    const world = nlp.world() as { model?: { one?: { lexicon?: Lexicon } } };
    lexiconCache = world.model?.one?.lexicon ?? {};
  }
  return lexiconCache;
}

const NAME_TAGS = new Set(['FirstName', 'MaleName', 'FemaleName', 'LastName', 'Person', 'Honorific']);

function isLexiconName(word: string): boolean {
  const tag = lexicon()[word.toLowerCase()];
  return tag !== undefined && NAME_TAGS.has(tag);
}

/**
 * A word compromise only knows as a gendered first name or a surname ("theo",
 * "greg", "wallace"). Its plain FirstName bucket also holds verbs such as
 * "mark", "grant" and "drew", so those are left out.
 */
function isUnambiguousLexiconName(word: string): boolean {
  const tag = lexicon()[word.toLowerCase()];
  return tag === 'MaleName' || tag === 'FemaleName' || tag === 'LastName';
}

/** A word in compromise's lexicon with a tag other than a name tag: "final", "lights", "draft". */
function isLexiconCommonWord(word: string): boolean {
  const tag = lexicon()[word.toLowerCase()];
  return tag !== undefined && !NAME_TAGS.has(tag);
}

function normaliseWord(word: string): string {
  return word
    .toLowerCase()
    .replace(/[’']s$/, '')
    .replace(/\.$/, '');
}

/** Words that must never, on their own, be reported as (part of) a name. */
function isStopWord(word: string): boolean {
  const w = normaliseWord(word);
  return PLATFORM_WORDS.has(w) || MONTH_WORDS.has(w) || WEEKDAY_WORDS.has(w) || COMMON_CAPITALISED.has(w);
}

/* ------------------------------------------------------------------------ */
/* Watch list                                                               */
/* ------------------------------------------------------------------------ */

function watchListPattern(term: string): RegExp | undefined {
  const parts = term
    .trim()
    .split(/[\s\-‐‑–—_]+/u)
    .filter((p) => p.length > 0);
  if (parts.length === 0) return undefined;
  // Spaces, hyphens and underscores in a term match any run of them, so
  // "Night Heron" also finds "night-heron" in a channel name.
  const body = parts.map(escapeRegExp).join('[\\s\\-‐‑–—_]+');
  const first = parts[0]!.charAt(0);
  const lastPart = parts[parts.length - 1]!;
  const last = lastPart.charAt(lastPart.length - 1);
  const before = isWordChar(first) ? `(?<!${WORD_CHAR})` : '';
  const after = isWordChar(last) ? `(?!${WORD_CHAR})` : '';
  return new RegExp(before + body + after, 'giu');
}

function findWatchList(text: string, watchList: readonly string[]): Span[] {
  const spans: Span[] = [];
  for (const term of watchList) {
    const re = watchListPattern(term);
    if (re === undefined) continue;
    for (const m of allMatches(re, text)) {
      spans.push({ kind: 'watch_list', start: m.index, end: m.index + m[0].length });
    }
  }
  return spans;
}

/* ------------------------------------------------------------------------ */
/* Emails, URLs, handles                                                    */
/* ------------------------------------------------------------------------ */

const EMAIL_RE = /(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![\w-])/g;

function findEmails(text: string): Span[] {
  return [...allMatches(EMAIL_RE, text)].map((m) => ({ kind: 'email', start: m.index, end: m.index + m[0].length }));
}

const TLDS =
  'com|org|net|edu|gov|mil|int|io|co|ai|app|dev|tv|me|us|uk|ca|au|nz|ie|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|cz|' +
  'pt|br|mx|ar|cl|in|jp|kr|cn|eu|info|biz|xyz|ly|gg|fm|so|tech|site|online|studio|film|media|link|page|to|' +
  'ink|art|blog|news|live|world|network|email|cloud|social|work|works|jobs';
/**
 * Top-level domains that are also short English words ("the job.It was",
 * "quit.So") only count for a bare domain when a path follows.
 */
const WORDLIKE_TLDS = new Set([
  'it',
  'in',
  'to',
  'so',
  'no',
  'at',
  'be',
  'me',
  'us',
  'is',
  'page',
  'link',
  'art',
  'ink',
  'live',
  'world',
  'news',
  'work',
  'works',
  'jobs',
  'film',
  'studio',
  'media',
  'network',
  'email',
  'cloud',
  'social',
  'blog',
  'site',
  'online',
  'int',
  'co',
]);

const URL_SCHEME_RE = /\b(?:https?|ftp):\/\/[^\s<>"'`]+/gi;
const URL_WWW_RE = /(?<![\w.@/-])www\.[^\s<>"'`]+/gi;
const URL_BARE_RE = new RegExp(`(?<![\\w.@/:-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+(?:${TLDS})(?::\\d{2,5})?(?:/[^\\s<>"'\`]*)?(?![\\w-])`, 'gi');
const URL_TRAILING = /[.,;:!?)\]}'"’”]/;

function findUrls(text: string): Span[] {
  const spans: Span[] = [];
  for (const re of [URL_SCHEME_RE, URL_WWW_RE, URL_BARE_RE]) {
    for (const m of allMatches(re, text)) {
      const start = m.index;
      let end = trimEnd(text, start, start + m[0].length, URL_TRAILING);
      // Keep a closing parenthesis that belongs to the URL ("wiki/Foo_(bar)").
      const inner = text.slice(start, end);
      const open = (inner.match(/\(/g) ?? []).length;
      const close = (inner.match(/\)/g) ?? []).length;
      if (open > close && text.charAt(end) === ')') end += 1;
      if (re === URL_BARE_RE) {
        const host = text.slice(start, end).split('/')[0] ?? '';
        const labels = host.toLowerCase().split('.');
        const hasPath = text.slice(start, end).includes('/');
        // "outlier.ai" on its own is the platform, not the worker; a referral
        // link with a path can identify someone and stays marked.
        const secondLevel = labels[labels.length - 2] ?? '';
        if (!hasPath && labels.length === 2 && PLATFORM_WORDS.has(secondLevel)) continue;
        // "e.g", "i.e" etc. cannot match (TLD list), but require a letter in the host.
        if (!/[a-z]/i.test(labels[0] ?? '')) continue;
        // A missing space after a full stop ("the job.It was") is not a domain.
        const tldRaw = host.split('.').pop() ?? '';
        if (tldRaw !== tldRaw.toLowerCase() && host !== host.toUpperCase()) continue;
        if (!hasPath && WORDLIKE_TLDS.has(tldRaw.toLowerCase())) continue;
      }
      if (end > start) spans.push({ kind: 'url', start, end });
    }
  }
  return spans;
}

const HANDLE_RE = /(?<![\w@./+-])@[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?/g;

function findHandles(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of allMatches(HANDLE_RE, text)) {
    if (!/[A-Za-z]/.test(m[0])) continue; // "@3" is a time or a count, not a handle
    spans.push({ kind: 'handle', start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

/* ------------------------------------------------------------------------ */
/* Phone numbers                                                            */
/* ------------------------------------------------------------------------ */

const PHONE_RE = /(?<![\w+/.,-])(?:\+\d{1,3}[ \u00a0.-]?)?(?:\(\d{1,4}\)[ \u00a0.-]?)?\d{1,4}(?:[ \u00a0.-]\d{1,4}){1,5}(?![\w/]|[.,-]\d)/g;

function isPlausiblePhone(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (candidate.startsWith('+')) return digits.length >= 8 && digits.length <= 15;
  const groups = candidate.split(/[^\d]+/).filter((g) => g.length > 0);
  const shape = groups.map((g) => g.length).join('-');
  // North American: (310) 555-0199, 310-555-0199, 310.555.0199, 1-310-555-0199.
  if (shape === '3-3-4') return true;
  if (shape === '1-3-3-4' && groups[0] === '1') return true;
  // Local seven-digit numbers: 555-0134, 555.0134.
  if (shape === '3-4') return /^\d{3}[.-]\d{4}$/.test(candidate);
  // National formats with a trunk zero: 020 7946 0958, 0161 496 0000, 06 12 34 56 78.
  return digits.startsWith('0') && digits.length >= 10 && digits.length <= 11 && groups.length >= 2;
}

function findPhones(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of allMatches(PHONE_RE, text)) {
    // "(310) 555-0199": the regex starts at the parenthesis group; a leading "(" is fine.
    if (!isPlausiblePhone(m[0])) continue;
    spans.push({ kind: 'phone', start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

/* ------------------------------------------------------------------------ */
/* Dates                                                                    */
/* ------------------------------------------------------------------------ */

const MONTH = '(?:january|february|march|april|may|june|july|august|september|october|november|december|' + '(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\\.?)';
const DAY = '(?:3[01]|[12]\\d|0?[1-9])(?:st|nd|rd|th)?';
const YEAR = '(?:19|20)\\d{2}';
const FULL_MONTH_ES_PT =
  '(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|' + 'janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro)';
/** Abbreviations only after "de" ("5 de ene."): on their own "set" and "out" are English words. */
const MONTH_ES_PT = `(?:${FULL_MONTH_ES_PT}|(?:ene|feb|fev|mar|abr|may|mai|jun|jul|ago|sept|sep|set|oct|out|nov|dic|dez|jan)\\.?)`;
/** "1º de maio": Portuguese writes the first of the month as an ordinal. */
const DAY_ES_PT = '(?:3[01]|[12]\\d|0?[1-9])[º°ª]?';

const DATE_RES: RegExp[] = [
  // March 3rd, March 3, 2024, Sept 14, 2023
  new RegExp(`(?<![\\p{L}])${MONTH}\\s+${DAY}(?:,?\\s+${YEAR})?(?![\\p{L}\\p{N}:])`, 'giu'),
  // 3 March 2024, 30 April, 5 of may, 3rd of March
  new RegExp(`(?<![\\p{L}\\p{N}.,$€£])${DAY}\\s+(?:of\\s+)?${MONTH}(?:,?\\s+${YEAR})?(?![\\p{L}])`, 'giu'),
  // March 2024, july 2024
  new RegExp(`(?<![\\p{L}])${MONTH},?\\s+${YEAR}(?![\\p{N}])`, 'giu'),
  // 2024-03-03, 2024/05/02, 2024.03.03
  new RegExp(`(?<![\\w.\\/-])${YEAR}([-/.])(?:0?[1-9]|1[0-2])\\1(?:3[01]|[12]\\d|0?[1-9])(?![\\w]|[-/.]\\d)`, 'g'),
  // 03/03/2024, 3/3/24, 12.09.2024, 12-09-2024
  /(?<![\w./-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w]|[-/.]\d)/g,
  // Spanish and Portuguese: 3 de marzo de 2024, 1º de maio, 5 de ene.
  new RegExp(`(?<![\\p{L}\\p{N}.,$€£])${DAY_ES_PT}\\s+de\\s+${MONTH_ES_PT}(?:,?\\s+(?:de|del)\\s+${YEAR})?(?![\\p{L}])`, 'giu'),
  // septiembre de 2023, março de 2024
  new RegExp(`(?<![\\p{L}])${FULL_MONTH_ES_PT}\\s+(?:de|del)\\s+${YEAR}(?![\\p{N}])`, 'giu'),
];

function plausibleDayMonth(a: number, b: number): boolean {
  const dm = a >= 1 && a <= 31 && b >= 1 && b <= 12;
  const md = a >= 1 && a <= 12 && b >= 1 && b <= 31;
  return dm || md;
}

function findDates(text: string): Span[] {
  const spans: Span[] = [];
  DATE_RES.forEach((re, index) => {
    for (const m of allMatches(re, text)) {
      if (index === 4) {
        const sep = m[2];
        const year = m[4] ?? '';
        // "2.3.12" is a version number far more often than a date.
        if (sep !== '/' && year.length !== 4) continue;
        if (!plausibleDayMonth(Number(m[1]), Number(m[3]))) continue;
      }
      let end = m.index + m[0].length;
      // "2 may be enough": the modal verb, not the month.
      if (/(?<![\p{L}])may$/u.test(m[0]) && /^\s+\p{Ll}/u.test(text.slice(end))) continue;
      // "Aug." at the very end ("... on 30 Aug.") keeps the dot only when it is an abbreviation.
      if (text.charAt(end - 1) === '.' && !/[a-z]\.$/i.test(m[0])) end -= 1;
      spans.push({ kind: 'date', start: m.index, end });
    }
  });
  return spans;
}

/* ------------------------------------------------------------------------ */
/* Money                                                                    */
/* ------------------------------------------------------------------------ */

// "1.200,50" (a dot between thousands, a decimal comma: Spanish and Portuguese) before "1,200.50".
const AMOUNT = '(?:\\d{1,3}(?:\\.\\d{3})+(?:,\\d{1,2})?|\\d{1,3}(?:,\\d{3})+(?:\\.\\d{1,2})?|\\d+,\\d{1,2}(?!\\d)|\\d+(?:\\.\\d+)?)(?:\\s?(?:[kKmM]|million|thousand|grand)(?![\\p{L}]))?';
const RATE_UNITS = '(?:hour|hr|h|task|day|week|wk|month|mo|year|yr|page|script|episode|ep|word|minute|min|item|hit)s?';
const RATE_UNITS_ES_PT = '(?:horas?|d[ií]as?|semanas?|mes|meses|mês|a[ñn]os?|tareas?|tarefas?|p[áa]ginas?|epis[óo]dios?|palabras?|palavras?|minutos?)';
const RATE =
  `(?:\\s?/\\s?(?:${RATE_UNITS}|${RATE_UNITS_ES_PT})(?![\\p{L}])|\\s+(?:per|an|a)\\s+${RATE_UNITS}(?![\\p{L}])` + `|\\s+(?:por|al|a la|la|ao|à|cada)\\s+${RATE_UNITS_ES_PT}(?![\\p{L}]))?`;
const CURRENCY_CODE = '(?:USD|EUR|GBP|CAD|AUD|NZD|MXN|COP|INR|CHF|BRL|ARS|CLP|PEN|VES|UYU|usd|eur|gbp|cad|aud|mxn|brl)';
const CURRENCY_WORD =
  '(?:dollars?|bucks|euros?|pounds?|quid|pesos?|rupees?|d[óo]lar(?:es)?|reais|soles|bol[íi]vares|' +
  'USD|EUR|GBP|CAD|AUD|NZD|MXN|COP|INR|CHF|BRL|ARS|CLP|PEN|VES|UYU|usd|eur|gbp|cad|aud|mxn|brl)';

const NUMBER_WORD =
  '(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|' +
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|' +
  'eighteen|nineteen|a hundred|one hundred|a thousand|one thousand|a couple hundred|a few hundred|a few thousand)' +
  '(?:[- ](?:hundred|thousand))?';

const MONEY_RES: RegExp[] = [
  // forty bucks, twenty-five dollars an hour, a few hundred euros
  new RegExp(`(?<![\\p{L}])${NUMBER_WORD}\\s+(?:dollars|bucks|euros|pounds|quid|grand)(?![\\p{L}])${RATE}`, 'giu'),
  // $45, $45/hour, US$1,200, €20, £18/hour, $0.80 per task
  new RegExp(`(?<![\\p{L}\\p{N}])(?:US|CA|C|A|NZ|MX|R|COL)?[$€£¥₹]\\s?${AMOUNT}${RATE}`, 'gu'),
  // USD 30, EUR 1,000
  new RegExp(`(?<![\\p{L}\\p{N}])${CURRENCY_CODE}\\s?${AMOUNT}${RATE}`, 'gu'),
  // 45 dollars, 18 USD, 20 €
  new RegExp(`(?<![\\p{L}\\p{N}.,])${AMOUNT}\\s?(?:${CURRENCY_WORD}(?![\\p{L}])|[$€£])${RATE}`, 'gu'),
];

function findMoney(text: string): Span[] {
  const spans: Span[] = [];
  for (const re of MONEY_RES) {
    for (const m of allMatches(re, text)) {
      spans.push({ kind: 'money', start: m.index, end: m.index + m[0].length });
    }
  }
  return spans;
}

/* ------------------------------------------------------------------------ */
/* Names                                                                    */
/* ------------------------------------------------------------------------ */

interface CompromiseOffset {
  start: number;
  length: number;
}
interface CompromiseTerm {
  text: string;
  tags?: string[];
  offset?: CompromiseOffset;
}
interface CompromiseMatch {
  text?: string;
  offset?: CompromiseOffset;
}

/** Shrink a span to start and end on a letter, dropping a possessive "'s". */
function tightenNameSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && !/\p{L}/u.test(text.charAt(start))) start += 1;
  for (;;) {
    const before = end;
    if (/['’]s$/i.test(text.slice(start, end)) && end - start > 2) end -= 2;
    while (end > start && !/\p{L}/u.test(text.charAt(end - 1))) end -= 1;
    if (end === before) break;
  }
  return [start, end];
}

function isWholeWordAt(text: string, start: number, end: number): boolean {
  return !isWordChar(text.charAt(start - 1)) && !isWordChar(text.charAt(end));
}

/** Locate `needle` near `hint` (compromise offsets can drift on unusual whitespace). */
function locate(text: string, needle: string, hint: number, from: number): number {
  if (needle.length === 0) return -1;
  if (text.startsWith(needle, hint) && isWholeWordAt(text, hint, hint + needle.length)) return hint;
  let best = -1;
  let idx = text.indexOf(needle, Math.max(0, from));
  while (idx !== -1) {
    if (isWholeWordAt(text, idx, idx + needle.length)) {
      if (best === -1 || Math.abs(idx - hint) < Math.abs(best - hint)) best = idx;
      if (idx > hint) break;
    }
    idx = text.indexOf(needle, idx + 1);
  }
  return best;
}

function acceptableName(nameText: string): boolean {
  const words = nameText.split(/[\s]+/).filter((w) => w.length > 0);
  if (words.length === 0) return false;
  const honorific = new RegExp(`^${HONORIFICS}\\.?$`, 'u');
  const content = words.filter((w) => !honorific.test(w) && !/^\p{Lu}\.$/u.test(w));
  if (content.length === 0) return false;
  // Every content word a platform/month/weekday/common word: "Turing", "Scale", "March".
  if (content.every((w) => isStopWord(w))) return false;
  if (content.some((w) => PLATFORM_WORDS.has(normaliseWord(w)))) return false;
  if (content.some((w) => MONTH_WORDS.has(normaliseWord(w)) || WEEKDAY_WORDS.has(normaliseWord(w)))) return false;
  // ALL-CAPS shouting ("NEVER AIRED") is not a name.
  if (content.every((w) => w.length > 1 && w === w.toUpperCase())) return false;
  return true;
}

interface TermInfo {
  start: number;
  end: number;
  tags: Set<string>;
}

function compromiseAnalysis(text: string, lowercaseStyle: boolean): { people: Span[]; terms: Map<number, TermInfo> } {
  const people: Span[] = [];
  const terms = new Map<number, TermInfo>();
  let doc: ReturnType<typeof nlp>;
  try {
    doc = nlp(text);
  } catch {
    return { people, terms };
  }

  const sentences = doc.json({ offset: true }) as Array<{ terms?: CompromiseTerm[] }>;
  for (const sentence of sentences) {
    for (const term of sentence.terms ?? []) {
      if (term.offset === undefined) continue;
      const start = term.offset.start;
      const end = start + term.offset.length;
      if (text.slice(start, end) !== term.text) continue; // offsets drifted: ignore tags
      terms.set(start, { start, end, tags: new Set(term.tags ?? []) });
    }
  }

  const found = doc.people().json({ offset: true }) as CompromiseMatch[];
  let cursor = 0;
  for (const person of found) {
    const reported = person.text ?? '';
    const hint = person.offset?.start ?? cursor;
    const length = person.offset?.length ?? reported.length;
    let start: number;
    let end: number;
    if (person.offset !== undefined && text.slice(hint, hint + length) === reported) {
      [start, end] = tightenNameSpan(text, hint, hint + length);
    } else {
      // Fall back to searching for the reported text.
      const [s, e] = tightenNameSpan(reported, 0, reported.length);
      const needle = reported.slice(s, e);
      const at = locate(text, needle, hint, cursor);
      if (at === -1) continue;
      [start, end] = [at, at + needle.length];
    }
    if (end <= start) continue;
    cursor = end;
    const nameText = text.slice(start, end);
    if (!acceptableName(nameText)) continue;
    // "the Emmy Awards", "Tor Browser": a title or product, not a person.
    const lastWord = nameText.split(/\s+/).pop() ?? '';
    if (/\s/.test(nameText) && isStopWord(lastWord)) continue;
    // compromise reads "union rep. Mine" as an abbreviated title; a span that
    // crosses a sentence end is only a name after a real honorific or initial.
    const allowedBeforeDot = new RegExp(`^(?:${HONORIFICS}|\\p{Lu})$`, 'u');
    const crossesSentence = [...nameText.matchAll(/(\S+?)[.!?]\s+/gu)].some((m) => !allowedBeforeDot.test(m[1] ?? ''));
    if (crossesSentence) continue;
    // In an otherwise capitalised account a lower-case "name" is a tagging slip ("the page", "HMAC-ed").
    if (!lowercaseStyle && !/\p{Lu}/u.test(nameText)) continue;
    // Lower-case role words compromise takes for nicknames ("a buddy from school").
    if (!/\s/.test(nameText) && nameText === nameText.toLowerCase() && isStopWord(nameText)) continue;
    people.push({ kind: 'name', start, end });
  }
  return { people, terms };
}

const HONORIFIC_NAME_RE = new RegExp(`(?<![\\p{L}])${HONORIFICS}\\.?\\s+(?:\\p{Lu}\\.\\s*)?${NAME_WORD}(?:\\s+${NAME_WORD}){0,2}`, 'gu');
const INITIAL_SURNAME_RE = new RegExp(`(?<![\\p{L}.])\\p{Lu}\\.\\s?${NAME_WORD}(?:\\s+${NAME_WORD})?`, 'gu');
const ROLE_NAME_RE = new RegExp(
  `(?<![\\p{L}])${ROLE_NOUNS}` +
    // "our supervisor on that show, Tomasz", "my agent, Ruth", "Queue manager: Alicia", "lead was Priya"
    `(?:(?:[ \\t]+(?:on|at|from|for|in)(?:[ \\t]+\\p{Ll}+){1,3})?[ \\t]*[,:][ \\t]*|[ \\t]+(?:(?:was|is|named|called|llamado|llamada|chamado|chamada)[ \\t]+)?)` +
    `(${NAME_WORD}(?:[ \\t]+${NAME_WORD}){0,2})`,
  'gu',
);
const NAMED_RE = new RegExp(`(?<![\\p{L}])(?:named|name is|name was|went by|goes by|known as)\\s+(${ANY_CASE_NAME_WORD}(?:\\s+${NAME_WORD})?)`, 'gu');
const CAPITALISED_RUN_RE = new RegExp(`${NAME_WORD}(?:[ \\u00a0]${NAME_WORD})+`, 'gu');

function pushNameWords(text: string, spans: Span[], start: number, raw: string): void {
  // Drop leading/trailing stop words ("Project Lead Dana" -> "Dana"; "Dana Whitfield The").
  const words = [...raw.matchAll(/\S+/g)].map((m) => ({ w: m[0], s: start + (m.index ?? 0) }));
  while (words.length > 0 && isStopWord(words[0]!.w)) words.shift();
  while (words.length > 0 && isStopWord(words[words.length - 1]!.w)) words.pop();
  if (words.length === 0) return;
  const first = words[0]!;
  const last = words[words.length - 1]!;
  const [s, e] = tightenNameSpan(text, first.s, last.s + last.w.length);
  if (e <= s) return;
  if (!acceptableName(text.slice(s, e))) return;
  spans.push({ kind: 'name', start: s, end: e });
}

function isSentenceStart(text: string, index: number): boolean {
  let i = index - 1;
  while (i >= 0 && /[ \t\u00a0"“'‘(*]/.test(text.charAt(i))) i -= 1;
  if (i < 0) return true;
  const ch = text.charAt(i);
  if (/[.!?:;\n\r•·–—-]/.test(ch)) return true;
  return false;
}

const PLACE_LIKE_TAGS = ['Place', 'Organization', 'Date', 'Month', 'WeekDay', 'Duration', 'Country', 'City', 'Region'];

function heuristicNames(text: string, terms: Map<number, TermInfo>): Span[] {
  const spans: Span[] = [];

  for (const m of allMatches(HONORIFIC_NAME_RE, text)) {
    pushNameWordsKeepingHonorific(text, spans, m.index, m[0]);
  }

  for (const m of allMatches(INITIAL_SURNAME_RE, text)) {
    const surname = m[0].replace(/^\p{Lu}\.\s?/u, '');
    if (surname.split(/\s+/).some((w) => isStopWord(w) || isLexiconCommonWord(w))) continue;
    spans.push({ kind: 'name', start: m.index, end: m.index + m[0].length });
  }

  for (const m of allMatches(ROLE_NAME_RE, text)) {
    const group = m[1];
    if (group === undefined) continue;
    const offset = m.index + m[0].length - group.length;
    // Role-cued names must not start with an ordinary capitalised word ("my boss Said").
    const words = group.split(/\s+/);
    const kept: string[] = [];
    for (const w of words) {
      if (!/^\p{Lu}/u.test(w) || isStopWord(w)) break;
      if (kept.length === 0 && isLexiconCommonWord(w)) break;
      kept.push(w);
    }
    if (kept.length === 0) continue;
    pushNameWords(text, spans, offset, kept.join(' '));
  }

  for (const m of allMatches(NAMED_RE, text)) {
    const group = m[1];
    if (group === undefined) continue;
    const offset = m.index + m[0].length - group.length;
    const firstWord = group.split(/\s+/)[0] ?? '';
    // Lower-case after "named" only when it is a known first name ("a guy named kevin").
    if (!/^\p{Lu}/u.test(firstWord) && !isLexiconName(firstWord)) continue;
    if (/^\p{Lu}/u.test(firstWord) && isLexiconCommonWord(firstWord)) continue;
    pushNameWords(text, spans, offset, group);
  }

  // Two or more consecutive capitalised words not at a sentence start, none of
  // them a common word, platform, month or place: "with Anneliese Brandt".
  for (const m of allMatches(CAPITALISED_RUN_RE, text)) {
    const words = [...m[0].matchAll(/\S+/g)].map((w) => ({ w: w[0], s: m.index + (w.index ?? 0) }));
    // Split the run at words that cannot be part of a name.
    let run: typeof words = [];
    const flush = (): void => {
      const candidate = run;
      run = [];
      let list = candidate;
      if (list.length > 0 && isSentenceStart(text, list[0]!.s)) list = list.slice(1);
      if (list.length < 2) return;
      const first = list[0]!;
      const last = list[list.length - 1]!;
      pushNameWords(text, spans, first.s, text.slice(first.s, last.s + last.w.length));
    };
    for (const word of words) {
      const info = terms.get(word.s);
      const placeLike = info !== undefined && PLACE_LIKE_TAGS.some((t) => info.tags.has(t)) && !info.tags.has('Person');
      const bad = isStopWord(word.w) || placeLike || isLexiconCommonWord(normaliseWord(word.w));
      if (bad) {
        flush();
      } else {
        run.push(word);
      }
    }
    flush();
  }

  return spans;
}

function pushNameWordsKeepingHonorific(text: string, spans: Span[], start: number, raw: string): void {
  const words = [...raw.matchAll(/\S+/g)].map((m) => ({ w: m[0], s: start + (m.index ?? 0) }));
  // Keep the honorific and initials; cut at the first stop word after them.
  const kept: typeof words = [];
  for (const [i, word] of words.entries()) {
    if (i > 0 && !/^\p{Lu}\.$/u.test(word.w) && isStopWord(word.w)) break;
    kept.push(word);
  }
  if (kept.length < 2) return;
  const last = kept[kept.length - 1]!;
  const [s, e] = tightenNameSpan(text, kept[0]!.s, last.s + last.w.length);
  if (e > s && acceptableName(text.slice(s, e))) spans.push({ kind: 'name', start: s, end: e });
}

/**
 * Accounts written in lower case ("ok so i was a writers assistant...") spell
 * names in lower case too.
 */
function isLowercaseStyle(text: string): boolean {
  const starts = [...text.matchAll(/(?:^\s*|[.!?]\s+)(\p{L})/gu)].map((m) => m[1] ?? '');
  const lower = starts.filter((c) => c === c.toLowerCase() && c !== c.toUpperCase()).length;
  const lowerI = (text.match(/(?<![\p{L}\p{N}'’.-])i(?=['’]?[\s,;:!?]|['’](?:m|d|ve|ll)\b)/gu) ?? []).length;
  const upperI = (text.match(/(?<![\p{L}\p{N}'’.-])I(?=['’]?[\s,;:!?]|['’](?:m|d|ve|ll)\b)/gu) ?? []).length;
  return (lowerI >= 2 && lowerI > upperI) || (starts.length >= 3 && lower / starts.length >= 0.5);
}

/**
 * Once "Nadia Perlman" is known to be a name, a later "Nadia" is too. Tokens
 * that are ordinary words (in compromise's lexicon as something other than a
 * name) are not propagated. Other capitalisations of a token are only
 * propagated for unambiguous first/last names in lower-case accounts ("theo's").
 */
function propagateNames(text: string, names: readonly Span[], anyCase: boolean): Span[] {
  const tokens = new Set<string>();
  for (const span of names) {
    for (const m of text.slice(span.start, span.end).matchAll(/\p{L}[\p{L}'’-]*/gu)) {
      const word = m[0].replace(/['’]s$/i, '');
      if (word.length < 3) continue;
      if (isStopWord(word) || isLexiconCommonWord(word)) continue;
      if (new RegExp(`^${HONORIFICS}$`, 'u').test(word)) continue;
      tokens.add(word);
    }
  }
  const spans: Span[] = [];

  // Short forms of a first name already found: "Ros" for Rosalind, "Val" for Valentina.
  const firstNames = new Set<string>();
  for (const span of names) {
    const first = text
      .slice(span.start, span.end)
      .split(/\s+/)
      .find((w) => !new RegExp(`^${HONORIFICS}\\.?$`, 'u').test(w) && !/^\p{Lu}\.$/u.test(w));
    if (first !== undefined && /^\p{Lu}\p{Ll}{3,}$/u.test(first)) firstNames.add(first);
  }
  if (firstNames.size > 0) {
    for (const m of allMatches(new RegExp(`(?<!${WORD_CHAR})\\p{Lu}\\p{Ll}{2,}(?!${WORD_CHAR})`, 'gu'), text)) {
      const word = m[0];
      if (isStopWord(word) || isLexiconCommonWord(word)) continue;
      if ([...firstNames].some((f) => f.length > word.length && f.startsWith(word))) {
        spans.push({ kind: 'name', start: m.index, end: m.index + word.length });
      }
    }
  }

  for (const token of tokens) {
    const flags = anyCase && isUnambiguousLexiconName(token) ? 'giu' : 'gu';
    const re = new RegExp(`(?<!${WORD_CHAR})${escapeRegExp(token)}(?!${WORD_CHAR})`, flags);
    for (const m of allMatches(re, text)) {
      spans.push({ kind: 'name', start: m.index, end: m.index + m[0].length });
    }
  }
  return spans;
}

function findNames(text: string): Span[] {
  const lowercaseStyle = isLowercaseStyle(text);
  const { people, terms } = compromiseAnalysis(text, lowercaseStyle);
  const heuristics = heuristicNames(text, terms);
  const all = [...people, ...heuristics];
  return [...all, ...propagateNames(text, all, lowercaseStyle)];
}

/* ------------------------------------------------------------------------ */
/* Resolution                                                               */
/* ------------------------------------------------------------------------ */

/** Higher wins among equally long overlapping matches. */
const SPECIFICITY: Record<IdentifierKind, number> = {
  watch_list: 8,
  email: 7,
  url: 6,
  phone: 5,
  handle: 4,
  money: 3,
  date: 2,
  name: 1,
};

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

function resolve(watch: Span[], others: Span[]): Span[] {
  // 1. Watch-list matches win. A watch-list match absorbs every other match it
  //    overlaps (the union keeps the kind watch_list), so a term inside an
  //    email or URL never leaves the rest of that email or URL unmarked.
  let groups = watch.map((s) => ({ ...s }));
  let remaining = [...others];
  let changed = true;
  while (changed) {
    changed = false;
    groups.sort((a, b) => a.start - b.start || b.end - a.end);
    const merged: Span[] = [];
    for (const g of groups) {
      const last = merged[merged.length - 1];
      if (last !== undefined && g.start < last.end) {
        last.end = Math.max(last.end, g.end);
        changed = true;
      } else {
        merged.push(g);
      }
    }
    groups = merged;
    const next: Span[] = [];
    for (const s of remaining) {
      const g = groups.find((x) => overlaps(x, s));
      if (g === undefined) {
        next.push(s);
      } else {
        if (s.start < g.start || s.end > g.end) changed = true;
        g.start = Math.min(g.start, s.start);
        g.end = Math.max(g.end, s.end);
      }
    }
    remaining = next;
  }

  // 2. Everything else: longest first, then the more specific kind.
  remaining.sort((a, b) => b.end - b.start - (a.end - a.start) || SPECIFICITY[b.kind] - SPECIFICITY[a.kind] || a.start - b.start);
  const accepted: Span[] = [...groups];
  for (const s of remaining) {
    if (!accepted.some((a) => overlaps(a, s))) accepted.push(s);
  }
  return accepted.sort((a, b) => a.start - b.start);
}

/* ------------------------------------------------------------------------ */
/* Public API                                                               */
/* ------------------------------------------------------------------------ */

/** Likely identifiers in `text`, sorted by start, non-overlapping (prefer the longer / more specific match). */
export function findIdentifiers(text: string, watchList: readonly string[] = []): IdentifierMatch[] {
  if (text.trim().length === 0) return [];
  const watch = findWatchList(text, watchList);
  const others: Span[] = [...findEmails(text), ...findUrls(text), ...findHandles(text), ...findPhones(text), ...findDates(text), ...findMoney(text), ...findNames(text)].filter(
    (s) => s.end > s.start,
  );
  return resolve(watch, others).map((s) => ({
    kind: s.kind,
    start: s.start,
    end: s.end,
    text: text.slice(s.start, s.end),
  }));
}

/** Replaces each match with `replacement` (default "[redacted]"); matches must come from findIdentifiers on the same text. */
export function applyRedactions(text: string, matches: readonly IdentifierMatch[], replacement = '[redacted]'): string {
  const sorted = [...matches].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = 0;
  for (const m of sorted) {
    if (m.start < 0 || m.end > text.length || m.start > m.end) {
      throw new RangeError(`match [${m.start}, ${m.end}) is outside the text`);
    }
    if (text.slice(m.start, m.end) !== m.text) {
      throw new Error(`match text ${JSON.stringify(m.text)} does not match the text at [${m.start}, ${m.end})`);
    }
    if (m.start < cursor) {
      // Overlapping input: extend the previous redaction instead of duplicating it.
      cursor = Math.max(cursor, m.end);
      continue;
    }
    out += text.slice(cursor, m.start) + replacement;
    cursor = m.end;
  }
  return out + text.slice(cursor);
}
