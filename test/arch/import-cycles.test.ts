/**
 * No module of the server, the agent or the shared code imports itself back through others: every
 * import cycle (a strongly connected group of the import graph) fails this test with its members.
 * Type-only imports count too — a cycle of types is still two modules that cannot be read apart.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'node_modules' ? [] : files(p);
    return /\.tsx?$/.test(n) && !n.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative imports (`from './x.js'`, `import('./x.js')`, `export … from`) resolved to source files. */
function importsOf(file: string, known: Set<string>): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const base = resolve(dirname(file), m[1]!);
    const cand = [
      base,
      base.replace(/\.js$/, '.ts'),
      base.replace(/\.js$/, '.tsx'),
      `${base}.ts`,
      `${base}/index.ts`,
    ];
    const hit = cand.find((c) => known.has(c));
    if (hit) out.push(hit);
  }
  return out;
}

/** Tarjan's strongly connected components; groups of more than one module (or a self-import) are cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(group);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('import graph', () => {
  it('has no cycles in server/, agent/ and shared/', () => {
    const all = ['server', 'agent', 'shared'].flatMap((d) => files(join(ROOT, d)));
    const known = new Set(all);
    const graph = new Map(all.map((f) => [f, importsOf(f, known)]));
    // The graph is real: the entry points reach most modules.
    expect([...graph.values()].flat().length).toBeGreaterThan(all.length);
    const found = cycles(graph).map((g) => g.map((f) => relative(ROOT, f)).sort());
    expect(found).toEqual([]);
  });
});
