// Checks shared by API tests of bad input: a refusal names its code in words, and nothing was stored.
import type { LightMyRequestResponse } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../server/db/schema.js';

/** Expects a refusal with this status and code, worded; resolves to its message. */
export function expectRefusal(response: LightMyRequestResponse, status: number, code: string): string {
  expect(response.statusCode, response.body).toBe(status);
  const { error } = response.json<{ error: { code: string; message: string } }>();
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(10);
  return error.message;
}

/** How many rows each table holds, to compare before and after a refused request. */
export async function rowCounts<T extends keyof Database>(db: Kysely<Database>, tables: readonly T[]): Promise<Record<T, number>> {
  const entries = await Promise.all(tables.map(async (table) => [table, Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n)] as const));
  return Object.fromEntries(entries) as Record<T, number>;
}
