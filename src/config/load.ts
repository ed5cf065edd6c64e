// Load and validate a config file: size cap -> YAML (strict) -> ${ENV} interpolation -> zod
// schema -> relative paths resolved against the file's directory. Every failure is a
// ConfigError whose lines read `<path>: <reason>`.
//
// Which file: the `file` argument, else CHANGEGATE_CONFIG, else none; with none, loadConfig
// returns undefined and the caller uses the embedded default (src/config/embedded.ts).

import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { interpolateEnv, type Env } from './env.js';
import { ConfigError } from './errors.js';
import { issuesToLines } from './issues.js';
import { resolveConfigPaths } from './paths.js';
import { semanticProblems } from './semantic.js';
import { configSchema, type Config } from './schema.js';
import { parseYaml } from './yaml-source.js';

export const MAX_CONFIG_BYTES = 1024 * 1024;
export const CONFIG_ENV_VAR = 'CHANGEGATE_CONFIG';

export interface LoadOptions {
  /** Explicit file (from --config); wins over CHANGEGATE_CONFIG. */
  readonly file?: string | undefined;
  readonly env: Env;
  readonly cwd: string;
}

/** The config file to use, as an absolute path, or undefined for the embedded default. */
export function resolveConfigFile(options: LoadOptions): string | undefined {
  const named = options.file ?? options.env[CONFIG_ENV_VAR];
  return named === undefined || named === '' ? undefined : resolve(options.cwd, named);
}

/**
 * Validate an already-parsed document (a YAML value, or an object literal for the embedded
 * default). `baseDir` anchors relative paths; `source` names the config in messages.
 */
export function validateConfig(raw: unknown, options: { env: Env; baseDir: string; source: string }): Config {
  // An empty file parses to null; treat it as an empty mapping so the report says what is missing.
  const interpolated = interpolateEnv(raw ?? {}, options.env);
  if (!interpolated.ok) throw new ConfigError(options.source, interpolated.lines);
  const parsed = configSchema.safeParse(interpolated.value);
  if (!parsed.success) {
    throw new ConfigError(options.source, issuesToLines(parsed.error.issues, configSchema, interpolated.value));
  }
  const problems = semanticProblems(parsed.data);
  if (problems.length > 0) throw new ConfigError(options.source, problems);
  return resolveConfigPaths(parsed.data, options.baseDir);
}

/** Parse and validate YAML text as if it were the file `source` in `baseDir`. */
export function parseConfigText(text: string, options: { env: Env; baseDir: string; source: string }): Config {
  const doc = parseYaml(text);
  if (!doc.ok) throw new ConfigError(options.source, doc.lines);
  return validateConfig(doc.value, options);
}

async function readBounded(file: string): Promise<string> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new ConfigError(file, [`${file}: not a regular file`]);
    size = st.size;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'error'})`;
    throw new ConfigError(file, [`${file}: ${why}`], { cause: e });
  }
  if (size > MAX_CONFIG_BYTES) {
    throw new ConfigError(file, [`${file}: file is ${size} bytes; the limit is ${MAX_CONFIG_BYTES} (1 MiB)`]);
  }
  const buf = await readFile(file);
  // The file may have grown between stat and read.
  if (buf.length > MAX_CONFIG_BYTES) throw new ConfigError(file, [`${file}: file exceeds ${MAX_CONFIG_BYTES} bytes`]);
  return buf.toString('utf8');
}

/** Load one file (absolute or relative to cwd). Throws ConfigError. */
export async function loadConfigFile(file: string, options: { env: Env; cwd: string }): Promise<Config> {
  const abs = resolve(options.cwd, file);
  const text = await readBounded(abs);
  return parseConfigText(text, { env: options.env, baseDir: dirname(abs), source: abs });
}

/** Load the config named by `file` or CHANGEGATE_CONFIG; undefined when neither names one. */
export async function loadConfig(options: LoadOptions): Promise<Config | undefined> {
  const file = resolveConfigFile(options);
  return file === undefined ? undefined : loadConfigFile(file, options);
}
