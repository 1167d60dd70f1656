// The import graph of server/ has no circle between files (type-only imports included, since a
// circle of types is the first step to a circle of values), so each folder reads from the bottom
// up; and moderation and publishing meet in one direction only. dpdm reads the graph.
import path from 'node:path';
import { parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function serverGraph(): Promise<Map<string, Set<string>>> {
  const tree = await parseDependencyTree('server/**/*.ts', { context: ROOT, transform: false, skipDynamicImports: false });
  const graph = new Map<string, Set<string>>();
  for (const [file, dependencies] of Object.entries(tree)) {
    if (!file.startsWith('server/')) continue;
    graph.set(file, new Set((dependencies ?? []).flatMap((d) => (d.id?.startsWith('server/') ? [d.id] : []))));
  }
  return graph;
}

/** Every circle in a directed graph, each reported once from its first-found node. */
function circlesOf(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const circles: string[][] = [];
  const done = new Set<string>();
  const visit = (node: string, trail: string[]): void => {
    const at = trail.indexOf(node);
    if (at >= 0) {
      circles.push([...trail.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
    done.add(node);
  };
  for (const node of graph.keys()) visit(node, []);
  return circles;
}

describe('the import graph of server/', () => {
  it('has no circle between files', async () => {
    const graph = await serverGraph();
    expect(graph.size).toBeGreaterThan(50);
    expect(circlesOf(graph)).toEqual([]);
  });

  it('lets moderation use publishing, never the reverse: the two folders meet in one direction', async () => {
    const crossing = (from: string, to: string, graph: Map<string, Set<string>>) =>
      [...graph].flatMap(([file, dependencies]) => (file.startsWith(from) ? [...dependencies].filter((d) => d.startsWith(to)).map((d) => `${file} → ${d}`) : []));
    const graph = await serverGraph();
    expect(crossing('server/moderation/', 'server/publishing/', graph).length).toBeGreaterThan(0);
    expect(crossing('server/publishing/', 'server/moderation/', graph)).toEqual([]);
  });

  it('finds a circle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['server/a.ts', new Set(['server/b.ts'])],
      ['server/b.ts', new Set(['server/c.ts'])],
      ['server/c.ts', new Set(['server/a.ts'])],
    ]);
    expect(circlesOf(graph)).toEqual([['server/a.ts', 'server/b.ts', 'server/c.ts', 'server/a.ts']]);
  });
});
