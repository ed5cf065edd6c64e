// Parser throughput: every conformance module, and a generated 200-rule policy shaped like
// Changegate's. Reports the median of several runs in CPU time (this process only, so other load
// on the machine inflates it less than wall time) and wall time.
// Run: node --import tsx src/rego/parser/parser.bench.ts
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parseModule } from './index.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!(existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src')))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

function conformanceModules(): string[] {
  const root = join(repoRoot(), '..', 'shared', 'conformance', 'opa', 'cases');
  const out: string[] = [];
  for (const folder of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, folder)).sort()) {
      const doc = parseYaml(readFileSync(join(root, folder, file), 'utf8')) as { cases?: { modules?: unknown[] }[] };
      for (const c of doc.cases ?? []) for (const m of c.modules ?? []) if (typeof m === 'string') out.push(m);
    }
  }
  return out;
}

export function generatedPolicy(rules: number): string {
  const parts = ['package changegate.bench\n\nimport rego.v1\n\ndefault allow := false\n'];
  for (let i = 0; i < rules; i++) {
    parts.push(
      `# METADATA: rule ${i}\nallow if {\n\tsome role in input.identity.roles\n\trole == "role_${i}"\n` +
        `\tglob.match("refs/heads/*", ["/"], input.target.ref)\n\tnot deny[sprintf("%d", [${i}])]\n` +
        `\tcount([g | g := input.identity.groups[_]; startswith(g, "team-")]) > ${i % 7}\n` +
        `\tevery k, v in object.get(input, ["headers"], {}) { is_string(v); k != "" }\n}\n`,
    );
  }
  return parts.join('\n');
}

interface Sample {
  cpuMs: number;
  wallMs: number;
}

function measure(run: () => void, repeat: number): Sample {
  const samples: Sample[] = [];
  for (let i = 0; i < repeat; i++) {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    run();
    const wallMs = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    samples.push({ cpuMs: (used.user + used.system) / 1000, wallMs });
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return { cpuMs: median(samples.map((s) => s.cpuMs)), wallMs: median(samples.map((s) => s.wallMs)) };
}

function report(label: string, bytes: number, s: Sample): void {
  const mbps = bytes / 1e6 / (s.cpuMs / 1000);
  console.log(`${label}: ${s.cpuMs.toFixed(1)} ms cpu, ${s.wallMs.toFixed(1)} ms wall (median), ${(bytes / 1024).toFixed(0)} KiB, ${mbps.toFixed(1)} MB/s cpu`);
}

function main(): void {
  const modules = conformanceModules();
  const parseAll = (): void => {
    for (const m of modules) {
      try {
        parseModule(m, 'case.rego');
      } catch {
        // unsupported syntax (template strings, not-body): counted by the corpus test
      }
    }
  };
  const corpusBytes = modules.reduce((n, m) => n + m.length, 0);
  const cold = measure(parseAll, 1);
  report(`conformance, ${modules.length} modules, first run`, corpusBytes, cold);
  report(`conformance, ${modules.length} modules, warm`, corpusBytes, measure(parseAll, 15));
  const policy = generatedPolicy(200);
  report('200-rule policy, first run', policy.length, measure(() => parseModule(policy, 'bench.rego'), 1));
  report('200-rule policy, warm', policy.length, measure(() => parseModule(policy, 'bench.rego'), 25));
}

if (process.argv[1]?.endsWith("parser.bench.ts") || process.argv[1]?.endsWith("parser.bench.js")) main();
