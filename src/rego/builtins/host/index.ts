// Host builtins passed to the SDK's loadPolicy as customBuiltins: everything the runtime does
// not implement natively. A builtin that fails returns undefined, because OPA's Wasm target has
// no strict builtin errors (the rule simply does not hold).
import { randomInt, randomUUID } from 'node:crypto';
import { goSprintfText } from './gofmt.js';
import { regexBuiltins } from './regex.js';
import { encodingBuiltins } from './encoding.js';
import { offlineBuiltins } from './offline.js';
import { stringBuiltins } from './strings.js';
import { objectBuiltins } from './objects.js';
import { numberBuiltins } from './numbers.js';
import { unitBuiltins } from './units.js';
import { cryptoBuiltins } from './crypto.js';
import { timeBuiltins } from './time.js';
import { netBuiltins } from './net.js';
import { jwtBuiltins } from './jwt.js';
import { parseRegoText, templateString, termToValue } from './rego-text.js';
import { TEXT_ARGUMENT_BUILTINS } from '../host-abi.js';
import { graphqlBuiltins } from './graphql.js';
import { graphBuiltins } from './graph.js';
import { semverBuiltins } from './semver.js';
import { uuidBuiltins } from './uuid.js';
import { jsonPatchBuiltins } from './json-patch.js';
import { jsonSchemaBuiltins } from './json-schema.js';
import { x509Builtins } from './x509.js';
import { regoAstBuiltins } from './rego-ast.js';
import { awsBuiltins } from './aws.js';
import { str } from './values.js';

export type HostBuiltin = (...args: unknown[]) => unknown;
export type HostBuiltins = Record<string, HostBuiltin>;

export interface HostOptions {
  /** The clock for time.now_ns, in nanoseconds since the epoch. */
  readonly nowNs?: () => bigint;
}

function defaultNowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

/**
 * time.now_ns must not change within one evaluation. An evaluation runs synchronously, so the
 * first call reads the clock and a microtask forgets the reading once the evaluation is over.
 */
function evaluationClock(nowNs: () => bigint): HostBuiltin {
  let current: ArrayBuffer | null = null;
  return () => {
    if (current === null) {
      // Returned as raw JSON text: nanoseconds exceed a double's exact integer range.
      current = new TextEncoder().encode(nowNs().toString()).buffer as ArrayBuffer;
      queueMicrotask(() => {
        current = null;
      });
    }
    return current;
  };
}

/** Per-evaluation memo for builtins that must answer consistently within one evaluation. */
function perEvaluation(compute: (...args: unknown[]) => unknown): HostBuiltin {
  let memo: Map<string, unknown> | null = null;
  return (...args) => {
    if (memo === null) {
      memo = new Map();
      queueMicrotask(() => {
        memo = null;
      });
    }
    const key = JSON.stringify(args);
    if (!memo.has(key)) memo.set(key, compute(...args));
    return memo.get(key);
  };
}

/** Adapts a JSON-argument builtin to receive its arguments as Rego text (see ../host-abi.ts). */
function textArguments(fn: HostBuiltin): HostBuiltin {
  return (...args) => fn(...args.map((a) => termToValue(parseRegoText(str(a)))));
}

function lenient(fn: HostBuiltin): HostBuiltin {
  return (...args) => {
    try {
      return fn(...args);
    } catch {
      return undefined;
    }
  };
}

export function hostBuiltins(options: HostOptions = {}): HostBuiltins {
  const table: HostBuiltins = {
    ...(regexBuiltins as unknown as HostBuiltins),
    ...encodingBuiltins,
    ...offlineBuiltins,
    ...stringBuiltins,
    ...objectBuiltins,
    ...numberBuiltins,
    ...unitBuiltins,
    ...cryptoBuiltins,
    ...timeBuiltins,
    ...netBuiltins,
    ...jwtBuiltins,
    ...graphqlBuiltins,
    ...graphBuiltins,
    ...semverBuiltins,
    ...uuidBuiltins,
    ...jsonPatchBuiltins,
    ...jsonSchemaBuiltins,
    ...x509Builtins,
    ...regoAstBuiltins,
    ...awsBuiltins,
    // The backend passes this builtin's argument as Rego value text (see ../host-abi.ts).
    'internal.template_string': (text) => templateString(str(text)),
    'rand.intn': perEvaluation((_seed, n) => {
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError('rand.intn: n must be an integer');
      return n === 0 ? 0 : randomInt(Math.abs(n));
    }),
    'uuid.rfc4122': perEvaluation((seed) => {
      if (typeof seed !== 'string') throw new TypeError('uuid.rfc4122: expected a string');
      return randomUUID();
    }),
    'time.now_ns': evaluationClock(options.nowNs ?? defaultNowNs),
    // The SDK's own `sprintf` (sprintf-js) would shadow ours, so the backend names it this way.
    'changegate.sprintf': (format, values) => goSprintfText(str(format), str(values)),
  };
  // sprintf and template strings parse the text themselves; the others get plain values back.
  const selfParsing = new Set(['internal.template_string', 'changegate.sprintf', 'json.patch', 'strings.replace_n', 'providers.aws.sign_req']);
  return Object.fromEntries(
    Object.entries(table).map(([k, f]) => [k, lenient(TEXT_ARGUMENT_BUILTINS.has(k) && !selfParsing.has(k) ? textArguments(f) : f)]),
  );
}
