// `changegate policy build|test|eval`: the Rego compiler from the command line, with no `opa`
// binary and no Go toolchain.

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileSources, instantiate, testSources } from '../../policy/load.js';
import { readPolicySources } from '../../policy/sources.js';
import { parseArgs, UsageError } from '../args.js';
import type { Command, CliIo } from '../command.js';

const DEFAULT_ENTRYPOINT = 'changegate/decision';

function oneDir(positionals: readonly string[], io: CliIo): string {
  if (positionals.length !== 1) throw new UsageError('expected exactly one policy DIR');
  return resolve(io.cwd, positionals[0]!);
}

export const policyBuildCommand: Command = {
  name: ['policy', 'build'],
  summary: 'Compile a Rego policy directory to a Wasm module in OPA\'s ABI',
  usage: `Usage: changegate policy build DIR -o OUT.wasm [-e ENTRYPOINT]...

Compiles every .rego file under DIR (Rego v1) to one WebAssembly module that
@open-policy-agent/opa-wasm loads, as \`opa build -t wasm\` would. Entrypoints are rule paths
such as ${DEFAULT_ENTRYPOINT} (the default). Compile errors print as file:line:col and exit 1.

Options:
  -o, --output FILE       where to write the module (required)
  -e, --entrypoint PATH   an entrypoint; repeat for several (comma-separated also works)`,
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { output: { type: 'string', short: 'o' }, entrypoint: { type: 'string', short: 'e' } });
    const dir = oneDir(positionals, io);
    if (flags.output === undefined) throw new UsageError('-o OUT.wasm is required');
    const entrypoints = (flags.entrypoint ?? DEFAULT_ENTRYPOINT).split(',').map((e) => e.trim()).filter((e) => e !== '');
    const started = performance.now();
    const sources = readPolicySources(dir);
    const wasm = compileSources(sources, entrypoints);
    await instantiate(wasm, sources.data, entrypoints[0]!, sources.revision);
    writeFileSync(resolve(io.cwd, flags.output), wasm);
    io.stdout.write(
      `wrote ${flags.output}: ${wasm.length} bytes, ${sources.modules.length} modules, entrypoints ${entrypoints.join(', ')}, ` +
        `revision ${sources.revision}, ${Math.round(performance.now() - started)} ms\n`,
    );
    return 0;
  },
};

export const policyTestCommand: Command = {
  name: ['policy', 'test'],
  summary: 'Run a policy directory\'s test_* rules, like `opa test`',
  usage: `Usage: changegate policy test DIR [-v]

Compiles DIR and runs every rule whose name starts with test_; a test passes when it is true.
Prints one line per test and a PASS/FAIL summary; exits 1 when any test fails or DIR does
not compile.

Options:
  -v, --verbose   list passing tests too`,
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { verbose: { type: 'boolean', short: 'v' } });
    const dir = oneDir(positionals, io);
    const results = await testSources(readPolicySources(dir));
    const failed = results.filter((r) => !r.passed);
    for (const r of results) {
      if (r.passed && flags.verbose !== true) continue;
      const name = `data.${r.name.replaceAll('/', '.')}`;
      const status = r.passed ? 'PASS' : r.error === undefined ? 'FAIL' : 'ERROR';
      io.stdout.write(`${r.file}: ${name}: ${status} (${r.durationMs.toFixed(1)}ms)${r.error ? `\n  ${r.error}` : ''}\n`);
    }
    if (results.length === 0) {
      io.stdout.write('no tests found (rules named test_*)\n');
      return 0;
    }
    io.stdout.write(`${'-'.repeat(80)}\n`);
    if (failed.length === 0) io.stdout.write(`PASS: ${results.length}/${results.length}\n`);
    else io.stdout.write(`PASS: ${results.length - failed.length}/${results.length}\nFAIL: ${failed.length}/${results.length}\n`);
    return failed.length === 0 ? 0 : 1;
  },
};

export const policyEvalCommand: Command = {
  name: ['policy', 'eval'],
  summary: 'Evaluate a policy directory on an input document and print the result set',
  usage: `Usage: changegate policy eval DIR [--input FILE] [-e ENTRYPOINT]

Compiles DIR, evaluates ENTRYPOINT (default ${DEFAULT_ENTRYPOINT}) with the JSON document in
FILE as input (no input when omitted), and prints the result set as JSON, such as
[{"result":{"allow":true,"reasons":["..."]}}]. An undefined result prints [].

Options:
  -i, --input FILE        the input document (JSON); - reads standard input
  -e, --entrypoint PATH   the rule to evaluate`,
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { input: { type: 'string', short: 'i' }, entrypoint: { type: 'string', short: 'e' } });
    const dir = oneDir(positionals, io);
    const entrypoint = (flags.entrypoint ?? DEFAULT_ENTRYPOINT).replace(/^data\./, '').replaceAll('.', '/');
    let inputJson = '';
    if (flags.input !== undefined) {
      const text = readFileSync(flags.input === '-' ? 0 : resolve(io.cwd, flags.input), 'utf8');
      try {
        inputJson = JSON.stringify(JSON.parse(text));
      } catch (e) {
        throw new UsageError(`--input ${flags.input} is not valid JSON: ${(e as Error).message}`);
      }
    }
    const sources = readPolicySources(dir);
    const snapshot = await instantiate(compileSources(sources, [entrypoint]), sources.data, entrypoint, sources.revision);
    io.stdout.write(`${JSON.stringify(snapshot.evaluate(inputJson), null, 2)}\n`);
    return 0;
  },
};
