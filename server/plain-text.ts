// The one rule for text that comes in (DESIGN §7): no control characters in any string a
// request carries, so that nothing bound for the database or for XML holds a character
// Postgres refuses (U+0000) or XML 1.0 forbids. Tabs and line breaks are text.

/** Ajv format name; every request string schema without its own format, pattern or enum gets it. */
export const PLAIN_TEXT_FORMAT = 'plain-text';

// C0 controls but tab, LF and CR; DEL and the C1 controls; the non-characters U+FFFE and U+FFFF;
// and surrogates that are not part of a pair. Everything outside XML 1.0's Char production is here.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'g');

export function isPlainText(text: string): boolean {
  return !CONTROL_CHARACTER.test(text);
}

/** For text already stored (from before this rule): what XML 1.0 cannot hold becomes U+FFFD. */
export function xmlSafeText(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '\uFFFD');
}

type Schema = Readonly<Record<string, unknown>>;

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The schema with the plain-text format on every string it admits that says nothing narrower:
 * an enum, a const, a pattern, another format or a content encoding already bounds what the string can hold.
 */
export function withPlainTextRule<T>(schema: T): T {
  if (!isSchema(schema)) return schema;
  const out: Record<string, unknown> = { ...schema };
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  // A base64 field (contentEncoding) is checked whole by its decoder (server/binary-fields.ts re-encodes and
  // compares), which refuses any control character: the envelope, the longest string a request carries, is scanned once.
  if (types.includes('string') && !('enum' in schema || 'const' in schema || 'pattern' in schema || 'format' in schema || 'contentEncoding' in schema)) {
    out.format = PLAIN_TEXT_FORMAT;
  }
  for (const key of ['items', 'additionalProperties', 'not']) {
    if (isSchema(schema[key])) out[key] = withPlainTextRule(schema[key]);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    if (Array.isArray(schema[key])) out[key] = (schema[key] as unknown[]).map(withPlainTextRule);
  }
  if (isSchema(schema.properties)) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([name, value]) => [name, withPlainTextRule(value)]));
  }
  return out as T;
}
