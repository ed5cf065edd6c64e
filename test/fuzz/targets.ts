// The parsers that read client (or upstream) bytes, each as a fuzz target: seeds taken from the
// tests' own inputs, the mutations that suit its structure, what counts as its own clear refusal
// (anything else thrown is a crash), and families of growing inputs for the linearity check.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { canonicalJson } from '../../src/audit/canonical.js';
import { verifyLog } from '../../src/audit/verify.js';
import { parseConfigText } from '../../src/config/load.js';
import { parseDocument, selectOperation } from '../../src/upstreams/dagster/graphql/document.js';
import { planPermissions } from '../../src/upstreams/dagster/permissions/plan.js';
import { parseClientFrame } from '../../src/upstreams/dagster/ws/frames.js';
import { changedReasonsLookup } from '../../src/upstreams/dagster/impact/lookup.js';
import { AnswerError, parseDefinitions, parseKeys } from '../../src/upstreams/dagster/impact/parse.js';
import { planChangedReasons, rewriteChangedReasonsBody } from '../../src/upstreams/dagster/impact/rewrite.js';
import { isChangegateError } from '../../src/errors.js';
import { parseChangeIdSegment } from '../../src/upstreams/gerrit/change-id.js';
import { classifyCommand } from '../../src/upstreams/gerrit/git/push-commands.js';
import { PushHeadParser } from '../../src/upstreams/gerrit/git/push-head.js';
import { refOptions } from '../../src/upstreams/gerrit/git/push-options.js';
import { readPushHead } from '../../src/upstreams/gerrit/git/push-stream.js';
import { SidebandChangeScanner } from '../../src/upstreams/gerrit/git/sideband.js';
import { parseJsonObject } from '../../src/upstreams/gerrit/rest/body.js';
import { restTarget } from '../../src/upstreams/gerrit/rest/effective.js';
import { reviewFacts } from '../../src/upstreams/gerrit/rest/review-body.js';
import { matchRest } from '../../src/upstreams/gerrit/rest/endpoints.js';
import { normalizeTarget } from '../../src/http/normalize.js';
import { sanitizeQuery } from '../../src/http/query.js';
import { ByteAccumulator } from '../../src/util/byte-accumulator.js';
import { testSchema } from '../upstreams/dagster/harness.js';
import { A, B, ZERO, flush, pkt, pushBody } from '../upstreams/gerrit/pkt.js';
import { chunksOf, GENERIC, int, pick, type FuzzInput, type Mutator } from './mutate.js';

export interface GrowthFamily {
  readonly name: string;
  /** The input of size parameter `n`; the check compares n with 4n. */
  readonly make: (n: number) => FuzzInput;
  readonly n: number;
}

export interface Target {
  readonly name: string;
  readonly seeds: () => Buffer[];
  readonly mutators: readonly Mutator[];
  readonly run: (input: FuzzInput) => void | Promise<void>;
  readonly growth: readonly GrowthFamily[];
  /** Time budget per 64 KiB of input when the default 50 ms does not fit the parser (say why). */
  readonly msPer64KiB?: number;
}

const text = (s: string, chunk = 0): FuzzInput => ({ data: Buffer.from(s, 'utf8'), chunk });
const str = (input: FuzzInput): string => input.data.toString('utf8');

/** Runs `fn`; a ChangegateError (and its subclasses) is the parser's own refusal, anything else is rethrown. */
function refusing(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isChangegateError(e)) throw e;
  }
}

// --- path normalization -----------------------------------------------------------------------

const NORMALIZE: Target = {
  name: 'normalize',
  seeds: () =>
    ['/', '/a/b/../c', '/a/%2e%2E/b', '/changes/external%2Fbison~123/revisions/current/review', '/a//b/./c/', '/p?q=1&access_token=x&b=%0A', '/%C3%A9t%C3%A9', '/a;x/b', '/x%252e', '/graphql?query=%7B__typename%7D', '/a/changes/p~7/submit?$m=PUT'].map((s) => Buffer.from(s)),
  mutators: GENERIC,
  run: (input) =>
    refusing(() => {
      const t = normalizeTarget(input.data.toString('latin1'), { maxUrlBytes: 64 * 1024 });
      sanitizeQuery(t.query);
    }),
  growth: [
    { name: 'dot segments', n: 2000, make: (n) => text(`/a${'/%2e%2e/b'.repeat(n)}`) },
    { name: 'empty segments', n: 4000, make: (n) => text(`/a${'/'.repeat(n)}b`) },
    { name: 'query parameters', n: 2000, make: (n) => text(`/p?${'a=1&'.repeat(n)}access_token=x`) },
  ],
};

// --- git: pkt-lines, push heads, push options ---------------------------------------------------

const pushSeeds = (): Buffer[] => {
  const plain = [
    pushBody([`${ZERO} ${A} refs/for/main\0report-status side-band-64k push-options`], { options: ['topic=x', 'notify=NONE', 'r=alice'], pack: true }),
    pushBody([`${ZERO} ${A} refs/heads/main\0report-status`, `${A} ${B} refs/for/main%topic=t,r=bob`], { pack: true }),
    pushBody([`shallow ${A}`, `${A} ${B} refs/meta/config\0report-status`], { pack: false }),
    Buffer.concat([pkt(`push-cert\0report-status push-options\n`), pkt('certificate version 0.1\n'), pkt('pusher x\n'), pkt('push-option topic=y\n'), pkt('\n'), pkt(`${ZERO} ${A} refs/for/main\n`), pkt('-----BEGIN PGP SIGNATURE-----\n'), pkt('sig\n'), pkt('push-cert-end\n'), flush(), flush(), Buffer.from('PACK')]),
    flush(),
  ];
  return [...plain, gzipSync(plain[0]!)];
};

async function pushThroughStream(input: FuzzInput): Promise<void> {
  const gzip = input.data[0] === 0x1f && input.data[1] === 0x8b;
  // Below 64-byte chunks the cost is Node's stream machinery per chunk, not the parser (which
  // the target also feeds byte by byte, without a stream).
  const req = Readable.from(chunksOf({ ...input, chunk: input.chunk === 0 ? 0 : Math.max(64, input.chunk) }), { objectMode: false }) as unknown as IncomingMessage;
  (req as { headers: Record<string, string> }).headers = gzip ? { 'content-encoding': 'gzip' } : {};
  try {
    const { stream } = await readPushHead(req, 64 * 1024);
    stream.destroy();
  } catch (e) {
    if (!isChangegateError(e)) throw e;
  }
}

const PUSH_HEAD: Target = {
  name: 'push-head',
  seeds: pushSeeds,
  mutators: GENERIC,
  // Each input is read twice: by the parser alone, in its chunks, and by the real reader over a stream.
  msPer64KiB: 100,
  run: async (input) => {
    // The resumable parser fed the body as it grows, and the real reader over a stream.
    refusing(() => {
      const parser = new PushHeadParser();
      const acc = new ByteAccumulator();
      const chunks = chunksOf(input);
      for (const [i, c] of chunks.entries()) {
        acc.append(c);
        const head = parser.parse(acc.bytes(), i === chunks.length - 1);
        if (head !== undefined) {
          for (const cmd of head.commands) classifyCommand(cmd);
          break;
        }
      }
    });
    await pushThroughStream(input);
  },
  growth: [
    { name: 'commands in 64-byte chunks', n: 250, make: (n) => ({ data: pushBody(Array.from({ length: n }, (_, i) => `${ZERO} ${A} refs/heads/b${i}${i === 0 ? '\0report-status' : ''}`), { pack: true }), chunk: 64 }) },
    { name: 'gzip in 64-byte chunks', n: 250, make: (n) => ({ data: gzipSync(pushBody(Array.from({ length: n }, (_, i) => `${ZERO} ${A} refs/heads/b${i}${i === 0 ? '\0report-status' : ''}`), { pack: true }), { level: 0 }), chunk: 64 }) },
  ],
};

const PUSH_OPTIONS: Target = {
  name: 'push-options',
  seeds: () => ['refs/for/main%topic=x,r=a@b,wip', 'refs/for/main%l=Code-Review+2,submit', 'refs/for/main%m=hello_world,hashtag=a', 'refs/heads/main'].map((s) => Buffer.from(s)),
  mutators: GENERIC,
  run: (input) => refusing(() => refOptions(input.data.toString('utf8'))),
  growth: [{ name: 'many options', n: 2000, make: (n) => text(`refs/for/main%${'r=a,'.repeat(n)}wip`) }],
};

// --- the upstream's sideband ----------------------------------------------------------------------

const band = (n: number, s: string): Buffer => pkt(Buffer.concat([Buffer.from([n]), Buffer.from(s)]));

/** `/c/` n times on one sideband line, in as many packets as it takes. */
function longLine(n: number): Buffer {
  const parts: Buffer[] = [];
  for (let left = n; left > 0; left -= 20000) parts.push(band(2, '/c/'.repeat(Math.min(20000, left))));
  parts.push(band(2, '\n'));
  return Buffer.concat(parts);
}

const SIDEBAND: Target = {
  name: 'sideband',
  seeds: () => [
    Buffer.concat([band(2, 'remote: Processing changes: refs: 1, new: 2\r'), band(2, 'remote: SUCCESS\nremote:   http://h/c/external/bison/+/41 First [NEW]\nremote:   http://h/c/p/+/4'), band(2, '2 Second [WIP]\n'), band(1, pkt('ok refs/for/master\n').toString('latin1')), flush()]),
    Buffer.from('0008xxxx-008'),
    Buffer.concat([band(2, 'remote: see http://h/c/p/+/7\n'), flush()]),
  ],
  mutators: GENERIC,
  run: (input) => {
    const s = new SidebandChangeScanner(input.data.length + 1);
    for (const c of chunksOf(input)) s.push(c);
    s.numbers();
  },
  growth: [
    { name: 'text without a newline', n: 2000, make: (n) => ({ data: Buffer.concat(Array.from({ length: n }, () => band(2, 'remote: abcdefgh'))), chunk: 0 }) },
    { name: 'one long line of /c/', n: 4000, make: (n) => ({ data: longLine(n), chunk: 0 }) },
  ],
};

// --- Gerrit REST: routes and review bodies -----------------------------------------------------------

const GERRIT_REST: Target = {
  name: 'gerrit-rest',
  seeds: () =>
    [
      'POST /a/changes/p~7/revisions/current/review {"labels":{"Code-Review":"+2","verified":1},"reviewers":[{"reviewer":"bob"}],"message":"m"}',
      'POST /changes/external%2Fbison~123/submit {"on_behalf_of":1000096}',
      'DELETE /a/changes/7/reviewers/bob/votes/Code-Review {}',
      'GET /changes/?q=status:open {}',
      'POST /a/projects/p/config {"description":"x"}',
      'PUT /accounts/self/password.http {"generate":true}',
      'POST /a/changes/7/revisions/1/review {"labels":{"constructor":1,"toString":2,"__proto__":1},"reviewers":[{"toString":1}]}',
    ].map((s) => Buffer.from(s)),
  mutators: GENERIC,
  run: (input) =>
    refusing(() => {
      const s = input.data.toString('utf8');
      const sp = s.indexOf(' ');
      const sp2 = s.indexOf(' ', sp + 1);
      const method = s.slice(0, Math.max(0, sp));
      const url = sp2 < 0 ? s.slice(sp + 1) : s.slice(sp + 1, sp2);
      const q = url.indexOf('?');
      const target = restTarget(method, q < 0 ? url : url.slice(0, q), q < 0 ? '' : url.slice(q + 1), '/');
      const m = matchRest(target);
      if (m.changeSegment !== undefined) parseChangeIdSegment(m.changeSegment);
      if (sp2 >= 0) reviewFacts(parseJsonObject(Buffer.from(s.slice(sp2 + 1)), 'application/json', 'review'));
    }),
  growth: [
    { name: 'trailing empty segments', n: 8000, make: (n) => text(`GET /changes/7${'/'.repeat(n)}`) },
    { name: 'labels', n: 2000, make: (n) => text(`POST /a/changes/7/revisions/1/review ${JSON.stringify({ labels: Object.fromEntries(Array.from({ length: n }, (_, i) => [`L${i}`, 1])) })}`) },
  ],
};

// --- Dagster: GraphQL classification, permission planning, WebSocket frames -----------------------

const fragmentChain = (depth: number, width: number): string =>
  `query { assetNodes { ...A0 } permissions { permission value } }\n${Array.from({ length: depth }, (_, i) => `fragment A${i} on AssetNode { dependencies { asset { ${i + 1 < depth ? `...A${i + 1} `.repeat(width) : 'id'} } } }`).join('\n')}`;

/** Multiplying fragments: every spread of a fragment becomes several. */
const multiplySpreads: Mutator = (d, rng) => {
  const s = d.toString('utf8');
  const spreads = [...s.matchAll(/\.\.\.\s*([A-Za-z_]\w*)/g)];
  if (spreads.length === 0) return Buffer.from(fragmentChain(1 + int(rng, 14), 2 + int(rng, 4)));
  const m = pick(rng, spreads);
  return Buffer.from(`${s.slice(0, m.index)}${`${m[0]} `.repeat(2 + int(rng, 8))}${s.slice((m.index ?? 0) + m[0].length)}`);
};

const GRAPHQL_SEEDS = [
  'query PermissionsQuery { unscopedPermissions: permissions { ...PermissionFragment } locationStatusesOrError { ... on WorkspaceLocationStatusEntries { entries { id name permissions { ...PermissionFragment } } } } }\nfragment PermissionFragment on Permission { permission value disabledReason }',
  'mutation { launchPipelineExecution(executionParams: {selector: {repositoryLocationName: "l", repositoryName: "r", pipelineName: "p"}, mode: "default"}) { __typename } }',
  'mutation($id: String!) { terminateRun(runId: $id) { __typename } }',
  'subscription { pipelineRunLogs(runId: "r") @include(if: $x) { __typename } }',
  'query($__proto__: String = "x") { runOrError(runId: $__proto__) { __typename } }',
  '{ pipelineOrError(params: {repositoryLocationName: "l", repositoryName: "r", pipelineName: "p"}) { ... on Pipeline { isAssetJob } } }',
  fragmentChain(11, 4),
];

const DAGSTER_GRAPHQL: Target = {
  name: 'dagster-graphql',
  seeds: () => GRAPHQL_SEEDS.map((s) => Buffer.from(s)),
  mutators: [...GENERIC, multiplySpreads, multiplySpreads],
  // graphql-js validation against Dagster's schema, linear but about 5 µs a byte (a 44 KB
  // document of 1,500 invalid fields takes 0.25 s idle): the document is parsed twice here.
  msPer64KiB: 600,
  run: (input) =>
    refusing(() => {
      const query = str(input);
      const op = selectOperation(parseDocument(query, testSchema()), undefined, { x: true });
      planPermissions(op);
      // Without the schema too: a deployment without one still plans.
      planPermissions(selectOperation(parseDocument(query, undefined), undefined, {}));
    }),
  growth: [
    { name: 'aliased fields', n: 500, make: (n) => text(`{ ${Array.from({ length: n }, (_, i) => `a${i}: permissions { value }`).join(' ')} }`) },
    { name: 'one fragment spread n times', n: 500, make: (n) => text(`{ permissions { ...P } assetNodes { ${'...A '.repeat(n)} } }\nfragment A on AssetNode { id dependencies { asset { id } } }\nfragment P on Permission { value }`) },
  ],
};

const WS_FRAMES: Target = {
  name: 'ws-frames',
  // Every start frame's query is parsed and validated against Dagster's schema, once (the
  // dagster-graphql target does it twice): graphql-js validation's linear ~5 µs a byte.
  msPer64KiB: 300,
  seeds: () =>
    ['{"type":"connection_init","payload":{}}', '{"type":"start","id":"1","payload":{"query":"subscription { pipelineRunLogs(runId: \\"r\\") { __typename } }","variables":{"a":1},"operationName":"X","operation_name":"X"}}', '{"type":"stop","id":"1"}', '{"type":"connection_terminate"}', '{"type":"start","id":"2","payload":{"query":"{ __typename }","variables":{"__proto__":{"x":1}}}}'].map((s) => Buffer.from(s)),
  mutators: GENERIC,
  run: (input) => {
    const r = parseClientFrame(str(input));
    if (!r.ok || r.frame.type !== 'start') return;
    const { payload } = r.frame;
    refusing(() => selectOperation(parseDocument(payload.query, testSchema()), payload.operationName, payload.variables));
  },
  growth: [{ name: 'variables', n: 2000, make: (n) => text(JSON.stringify({ type: 'start', id: '1', payload: { query: '{ __typename }', variables: Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, i])) } })) }],
};

// --- Dagster asset answers (change tracking) -----------------------------------------------------

const REASONS_OP = selectOperation(parseDocument('{ n: assetNodes { id k: assetKey { path } repository { name location { name } } changedReasons r: changedReasons dependedBy { asset { id changedReasons } } } }', undefined), undefined, {});
const REASONS_PLAN = planChangedReasons(REASONS_OP)!;
const REASONS_LOOKUP = changedReasonsLookup({
  computedFor: { patchset: 1, gitSha: 'x' },
  assets: [{ key: ['a'], location: 'l', repository: 'r', group: 'g', tags: {}, owners: [], reasons: ['NEW'] }],
  downstream: [],
  counts: { NEW: 1, CODE_VERSION: 0, DEPENDENCIES: 0, PARTITIONS_DEFINITION: 0, TAGS: 0, METADATA: 0, REMOVED: 0 },
});
const ASSET_NODE = { assetKey: { path: ['a'] }, opVersion: null, dependencyKeys: [], dependencies: [], tags: [{ key: 't', value: 'v' }], metadataEntries: [{ __typename: 'TextMetadataEntry', label: 'x', text: 'y' }], partitionDefinition: null, groupName: 'g', owners: [{ __typename: 'TeamAssetOwner', team: 't' }], kinds: [], repository: { name: 'r', location: { name: 'l' } } };

/** A branch deployment's answers: read strictly by fetch (parse.ts), and rewritten for changedReasons. */
const DAGSTER_ASSETS: Target = {
  name: 'dagster-assets',
  seeds: () =>
    [
      { data: { assetNodes: [ASSET_NODE] } },
      { data: { assetNodes: [{ assetKey: { path: ['a', 'b'] } }] } },
      { data: { n: [{ id: 'l.r.["a"]', k: { path: ['a'] }, repository: { name: 'r', location: { name: 'l' } }, changedReasons: [], r: [], dependedBy: [{ asset: { id: 'l.r.["a"]', changedReasons: [] } }] }] } },
    ].map((o) => Buffer.from(JSON.stringify(o))),
  mutators: GENERIC,
  run: (input) => {
    let body: unknown;
    try {
      body = JSON.parse(str(input));
    } catch {
      return;
    }
    for (const read of [parseKeys, parseDefinitions]) {
      try {
        read(body);
      } catch (e) {
        if (!(e instanceof AnswerError)) throw e;
      }
    }
    rewriteChangedReasonsBody(input.data, REASONS_PLAN, REASONS_LOOKUP);
  },
  growth: [
    { name: 'asset nodes', n: 500, make: (n) => text(JSON.stringify({ data: { assetNodes: Array.from({ length: n }, () => ASSET_NODE) } })) },
    { name: 'nested lists', n: 2000, make: (n) => text(`{"data":{"n":${'['.repeat(n)}${']'.repeat(n)}}}`) },
  ],
};

// --- config YAML ----------------------------------------------------------------------------------

const CONFIG_SEEDS = [
  'listen: 127.0.0.1:8080\npublicUrl: https://changegate.example\nupstreams:\n  gerrit:\n    url: http://127.0.0.1:8081\n    prefix: /\n  dagster:\n    url: http://127.0.0.1:3000\n    prefix: /dagster\n',
  'upstreams: { gerrit: { url: "http://g" } }\nlimits: { maxUrlBytes: 8192 }\n',
  'a: &x { b: 1 }\nc: *x\n',
  'upstreams: { gerrit: { url: ',
  'k: 1\nk: 2\n',
];

const CONFIG_YAML: Target = {
  name: 'config-yaml',
  seeds: () => CONFIG_SEEDS.map((s) => Buffer.from(s)),
  mutators: GENERIC,
  run: (input) => refusing(() => parseConfigText(str(input), { env: {}, baseDir: '/tmp', source: 'fuzz.yaml' })),
  // The yaml library's own speed (linear, but about 10 µs a line). A config is the operator's
  // file, capped at 1 MiB; policies' yaml.unmarshal is capped at 64 KiB.
  msPer64KiB: 1000,
  growth: [
    { name: 'keys', n: 2000, make: (n) => text(Array.from({ length: n }, (_, i) => `k${i}: 1`).join('\n')) },
    { name: 'list items', n: 2000, make: (n) => text(`upstreams:\n${Array.from({ length: n }, (_, i) => `  - u${i}`).join('\n')}`) },
  ],
};

// --- audit files ----------------------------------------------------------------------------------

let auditDir: string | undefined;
function auditFile(data: Buffer): string {
  auditDir ??= mkdtempSync(join(tmpdir(), 'changegate-fuzz-audit-'));
  const path = join(auditDir, 'audit.jsonl');
  writeFileSync(path, data);
  return path;
}
process.on('exit', () => {
  if (auditDir !== undefined) rmSync(auditDir, { recursive: true, force: true });
});

const AUDIT: Target = {
  name: 'audit-verify',
  seeds: () =>
    [
      '{"seq":1,"prev":"0000000000000000000000000000000000000000000000000000000000000000","kind":"decision","time":"t","hash":"x"}\n{"seq":2,"prev":"x","kind":"torn","offset":0,"bytes":3,"sha256":"y","hash":"z"}\n',
      '{"seq":1,"a":[[[[1]]]],"b":{"10":1,"9":2}}\n\n\n',
      '{"seq":14,"pr',
      `{"seq":1,"deep":${'['.repeat(3737)}${']'.repeat(3737)}}\n`,
    ].map((s) => Buffer.from(s)),
  mutators: GENERIC,
  run: (input) => {
    const report = verifyLog([auditFile(input.data)]);
    if (report.tamper === undefined && report.records === 0 && report.lines > 0 && input.data.toString('utf8').trim() !== '') {
      // Lines that are not records must have been called tamper (or be empty).
      const meaningful = input.data.toString('utf8').split('\n').some((l) => l.trim() !== '');
      if (meaningful) throw new Error('a file of malformed lines verified clean');
    }
    for (const line of input.data.toString('utf8').split('\n')) {
      if (!line.startsWith('{') && !line.startsWith('[')) continue;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        continue;
      }
      try {
        canonicalJson(v);
      } catch (e) {
        if (!(e instanceof RangeError && e.name === 'NestingTooDeep')) throw e;
      }
    }
  },
  growth: [
    { name: 'empty lines', n: 16000, make: (n) => ({ data: Buffer.alloc(n, 0x0a), chunk: 0 }) },
    { name: 'garbage lines', n: 4000, make: (n) => text('{"seq":"x"}\n'.repeat(n)) },
  ],
  // A file read from disk, a line at a time, each record hashed: more per byte than a string parser.
  msPer64KiB: 150,
};

export const TARGETS: readonly Target[] = [NORMALIZE, PUSH_HEAD, PUSH_OPTIONS, SIDEBAND, GERRIT_REST, DAGSTER_GRAPHQL, DAGSTER_ASSETS, WS_FRAMES, CONFIG_YAML, AUDIT];

export function targetNamed(name: string): Target {
  const t = TARGETS.find((x) => x.name === name);
  if (t === undefined) throw new Error(`no fuzz target ${name}`);
  return t;
}
