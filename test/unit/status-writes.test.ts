// Every status a service writes comes from the workflow's one table (common/workflow.ts): in server/,
// a `status` in the object a Kysely `.set({…})` or `.values({…})` writes is a `transition(…)` call or
// a name the same file assigned from one, and no SQL text sets or inserts a status column. A grep, not
// a type: it reads the source as text, like the import-graph and lint self-checks.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const STATUS_TABLES = '(?:submissions|stories|moderators|team_changes)';

/** The text between the parenthesis at `open` and the one that closes it (strings are not special: good enough for object literals). */
function argumentAt(source: string, open: number): string {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')' && --depth === 0) return source.slice(open + 1, i);
  }
  return source.slice(open + 1);
}

const lineOf = (source: string, index: number) => source.slice(0, index).split('\n').length;

/** Each direct status write in one file's source, as `file:line: what`. */
function directStatusWrites(file: string, source: string): string[] {
  const found: string[] = [];
  const fromTable = new Set([...source.matchAll(/\b(?:const|let)\s+(\w+)\s*=\s*transition\(/g)].map((m) => m[1]!));
  for (const call of source.matchAll(/\.(?:set|values)\(\s*\{/g)) {
    const open = call.index + call[0].indexOf('(');
    const written = argumentAt(source, open);
    for (const property of written.matchAll(/(?<![\w.'"$])status\s*(?::\s*([^\s,}(]+)(\()?|(?=[,}\s]))/g)) {
      const [, value, called] = property;
      const sanctioned = value === undefined ? fromTable.has('status') : called ? value === 'transition' : fromTable.has(value);
      if (!sanctioned) found.push(`${file}:${lineOf(source, open + 1 + property.index)}: ${property[0].trim()}`);
    }
  }
  const sqlWrites = new RegExp(`\\bupdate\\s+${STATUS_TABLES}\\s+set\\b[^;\`]*?\\bstatus\\s*=|\\binsert\\s+into\\s+${STATUS_TABLES}\\s*\\([^)]*\\bstatus\\b`, 'gi');
  for (const write of source.matchAll(sqlWrites)) found.push(`${file}:${lineOf(source, write.index)}: SQL ${write[0].split(/\s+/).slice(0, 3).join(' ')}`);
  return found;
}

function serverFiles(): string[] {
  return readdirSync(path.join(ROOT, 'server'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join('server', name));
}

describe('status writes in server/', () => {
  it('all go through transition() in common/workflow.ts', () => {
    const files = serverFiles();
    expect(files.length).toBeGreaterThan(50);
    const direct = files.flatMap((file) => directStatusWrites(file, readFileSync(path.join(ROOT, file), 'utf8')));
    expect(direct).toEqual([]);
  });

  it('sees each service that writes a status (the check reads the files it means to)', () => {
    const writers = serverFiles().filter((file) => /status:\s*transition\(|const status = transition\(/.test(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(writers.sort()).toEqual([
      'server/followup/service.ts',
      'server/moderation/queue-service.ts',
      'server/moderation/stories-service.ts',
      'server/moderation/team-changes.ts',
      'server/moderation/team-service.ts',
      'server/press/service.ts',
      'server/publishing/release.ts',
    ]);
  });

  it('finds a direct write when there is one (the check can fail)', () => {
    const source = [
      "await trx.updateTable('submissions').set({ status: 'accepted', decided_on: today }).execute();",
      "await trx.insertInto('team_changes').values({ id, status: 'proposed' }).execute();",
      'const status = nextStatus(row);',
      "await trx.updateTable('stories').set({ status, reviewer_id: id }).execute();",
      "await trx.updateTable('stories').set({\n  title,\n  status: STORY_STATUS,\n}).execute();",
      "await sql`update stories set status = 'published' where id = ${id}`.execute(db);",
      'await sql`insert into moderators (id, handle, status) values (${id}, ${handle}, ${s})`.execute(db);',
      // Not writes of a status: a Map's set, a where clause, a status read, a sanctioned write.
      "cache.set(key, { status: 'shown' });",
      "await trx.updateTable('submissions').set({ claimed_by: null }).where('status', '=', 'accepted').execute();",
      "await trx.updateTable('stories').set({ status: transition('story', row.status, 'approve', 'moderator') }).execute();",
    ].join('\n');
    expect(directStatusWrites('fixture.ts', source)).toEqual([
      "fixture.ts:1: status: 'accepted'",
      "fixture.ts:2: status: 'proposed'",
      'fixture.ts:4: status',
      'fixture.ts:7: status: STORY_STATUS',
      'fixture.ts:9: SQL update stories set',
      'fixture.ts:10: SQL insert into moderators',
    ]);
  });
});
