// Migrations are listed here (not read from disk) so that they run the same from the
// TypeScript sources under vitest and from the compiled output in production.
import type { Migration } from 'kysely';
import * as m0001 from './0001_intake.js';
import * as m0002 from './0002_moderation.js';

export const migrations: Record<string, Migration> = {
  '0001_intake': m0001,
  '0002_moderation': m0002,
};
