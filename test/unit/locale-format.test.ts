// Numbers and dates in the reader's locale (issue 31 item 7): Intl per language, the figure the same.
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { formatCount, formatDay, formatHalfYear, formatPercent, registerLocaleHelpers } from '../../server/i18n/locale-format.js';

describe('locale formats', () => {
  it('writes counts with each language’s separators, the same number in all', () => {
    expect(formatCount('en', 12345)).toBe('12,345');
    expect(formatCount('es', 12345)).toBe('12,345'); // es-419: Latin American Spanish groups with commas
    expect(formatCount('pt-BR', 12345)).toBe('12.345');
    for (const language of ['en', 'es', 'pt-BR'] as const) expect(Number(formatCount(language, 12345).replace(/\D/g, ''))).toBe(12345);
  });

  it('writes shares, days and half-years in the reader’s words', () => {
    expect(formatPercent('pt-BR', 0.47)).toBe('47%');
    expect(formatDay('en', '2026-12-01')).toBe('December 1, 2026');
    expect(formatDay('es', '2026-12-01')).toBe('1 de diciembre de 2026');
    expect(formatDay('pt-BR', '2026-12-01')).toBe('1 de dezembro de 2026');
    expect(formatDay('en', 'not a day')).toBe('not a day');
    expect(formatHalfYear('en', '2025-H1')).toBe('2025, first half');
    expect(formatHalfYear('es', '2025-H2')).toBe('2025, segundo semestre');
    expect(formatHalfYear('pt-BR', '2025-H1')).toBe('2025, primeiro semestre');
    expect(formatHalfYear('es', 'all')).toBe('all');
  });

  it('gives templates the same formats in the view’s language, and vocabulary labels by {{term}}', () => {
    const handlebars = Handlebars.create();
    registerLocaleHelpers(handlebars);
    const render = handlebars.compile('{{formatCount n}} · {{formatDay d}} · {{formatHalfYear h}} · {{term "roles" "writer"}}');
    expect(render({ language: 'pt-BR', n: 1234, d: '2026-01-01', h: '2026-H1' })).toBe('1.234 · 1 de janeiro de 2026 · 2026, primeiro semestre · Roteirista');
    expect(render({ n: 1234, d: '2026-01-01', h: '2026-H1' })).toBe('1,234 · January 1, 2026 · 2026, first half · Writer');
  });
});
