// The import graph between Changegate's source folders, read from the TypeScript sources (not
// from dist/, so a type-only import counts as much as any other). A folder is the first path
// part under src/ ("pipeline", "audit"), except that each upstream kind is its own folder
// ("upstreams/gerrit") and files directly in src/ belong to "(root)".
//
// Run as a command to print the counts between folders:
//   node dist/test/architecture/import-graph.js [checkout]      (default: this checkout)

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ImportEdge {
  /** Path under src/, with '/' separators, e.g. "pipeline/stamp.ts". */
  readonly from: string;
  /** The imported file's path under src/ (".js" specifiers mapped back to ".ts"). */
  readonly to: string;
  /** Whether the whole statement is `import type` / `export type`. */
  readonly typeOnly: boolean;
}

// Static imports and re-exports (`import x from '...'`, `export * from '...'`, `import '...'`)
// and dynamic `import('...')`. Relative specifiers only: packages are not folders of ours.
const STATIC = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'(\.{1,2}\/[^']+)'/gm;
const DYNAMIC = /import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;

/** Every TypeScript source under `dir` (the AssemblyScript runtime excepted). */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      // The AssemblyScript runtime is compiled separately and imports nothing of ours.
      if (path.endsWith(join('rego', 'runtime', 'assembly'))) continue;
      out.push(...sourceFiles(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

export function importEdges(checkout: string): ImportEdge[] {
  const src = join(checkout, 'src');
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    const from = relative(src, file).split(sep).join('/');
    const add = (spec: string, typeOnly: boolean): void => {
      const to = relative(src, resolve(dirname(file), spec)).split(sep).join('/').replace(/\.js$/, '.ts');
      edges.push({ from, to, typeOnly });
    };
    for (const m of text.matchAll(STATIC)) add(m[3]!, m[2] !== undefined);
    for (const m of text.matchAll(DYNAMIC)) add(m[1]!, false);
  }
  return edges;
}

/** The folder a path under src/ belongs to. */
export function folderOf(path: string): string {
  const parts = path.split('/');
  if (parts.length === 1) return '(root)';
  if (parts[0] === 'upstreams' && parts.length > 2) return `upstreams/${parts[1]}`;
  return parts[0]!;
}

/** "from -> to" => number of import statements, between different folders only. */
export function folderCounts(edges: readonly ImportEdge[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (a === b) continue;
    const key = `${a} -> ${b}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // dist/test/architecture/ -> the checkout is three levels up.
  const checkout = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'));
  for (const [edge, n] of folderCounts(importEdges(checkout))) console.log(`${String(n).padStart(4)}  ${edge}`);
}
