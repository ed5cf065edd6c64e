// A Dagster `workspace.yaml` read the way the webserver reads it, minus Python: each `load_from`
// entry is a code location, and the stand-in "imports" it by reading its JSON sidecar
// (DEFINITIONS.md). Reloading a location reads its sidecar again, as Dagster re-imports the code;
// reloading the workspace reads workspace.yaml again too.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseSidecar, toState, type DefinitionSource, type LocationState } from './definitions.js';

const MAX_WORKSPACE_BYTES = 256 * 1024;
const MAX_SIDECAR_BYTES = 4 * 1024 * 1024;

export interface WorkspaceEntry {
  readonly name: string;
  /** The file the stand-in reads instead of importing the code. */
  readonly sidecar: string;
  /** How the workspace named the code, for error messages. */
  readonly code: string;
}

export class WorkspaceFileError extends Error {}

/** Reads at most `limit` bytes; a larger file is refused rather than buffered. */
function readBounded(path: string, limit: number): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > limit) throw new WorkspaceFileError(`${path} is ${size} bytes, over the stand-in's ${limit}-byte limit`);
    const buf = Buffer.alloc(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, buf, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return buf.subarray(0, at).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function sidecarOf(pythonFile: string): string {
  return pythonFile.endsWith('.py') ? `${pythonFile.slice(0, -3)}.json` : `${pythonFile}.json`;
}

function entryOf(raw: unknown, base: string, index: number): WorkspaceEntry {
  const where = `load_from[${index}]`;
  if (!isRecord(raw)) throw new WorkspaceFileError(`${where}: expected a mapping`);
  const file = raw['python_file'];
  if (file !== undefined) {
    const spec = typeof file === 'string' ? { relative_path: file } : file;
    if (!isRecord(spec)) throw new WorkspaceFileError(`${where}.python_file: expected a path or a mapping`);
    const path = str(spec['relative_path']);
    if (path === undefined) throw new WorkspaceFileError(`${where}.python_file: relative_path is required`);
    // Dagster resolves relative_path against the workspace file's directory, and names the
    // location after the file when location_name is absent.
    const full = isAbsolute(path) ? path : join(base, path);
    const name = str(spec['location_name']) ?? path.split('/').at(-1) ?? path;
    return { name, sidecar: sidecarOf(full), code: path };
  }
  const mod = raw['python_module'];
  if (mod !== undefined) {
    const spec = typeof mod === 'string' ? { module_name: mod } : mod;
    if (!isRecord(spec)) throw new WorkspaceFileError(`${where}.python_module: expected a module name or a mapping`);
    const moduleName = str(spec['module_name']);
    if (moduleName === undefined || !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(moduleName)) {
      throw new WorkspaceFileError(`${where}.python_module: module_name must be a dotted Python module name`);
    }
    // Dagster imports the module from working_directory or the code server's cwd; the stand-in
    // looks beside the workspace file instead, so an in-process stand-in finds it too.
    const wd = str(spec['working_directory']);
    const root = wd === undefined ? base : resolve(base, wd);
    return { name: str(spec['location_name']) ?? moduleName, sidecar: join(root, `${moduleName.replaceAll('.', '/')}.json`), code: moduleName };
  }
  const kinds = Object.keys(raw).join(', ');
  throw new WorkspaceFileError(`${where}: the stand-in reads python_file and python_module entries, not ${kinds || 'an empty entry'}`);
}

/** The locations a workspace file names, in order. Throws WorkspaceFileError when it is malformed. */
export function readWorkspace(workspaceFile: string): WorkspaceEntry[] {
  let text: string;
  try {
    text = readBounded(workspaceFile, MAX_WORKSPACE_BYTES);
  } catch (e) {
    if (e instanceof WorkspaceFileError) throw e;
    throw new WorkspaceFileError(`cannot read workspace file ${workspaceFile}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 0, uniqueKeys: true });
  } catch (e) {
    throw new WorkspaceFileError(`${workspaceFile}: not YAML (${e instanceof Error ? e.message : String(e)})`);
  }
  const list = isRecord(doc) ? doc['load_from'] : undefined;
  if (!Array.isArray(list)) throw new WorkspaceFileError(`${workspaceFile}: expected a top-level load_from list`);
  const base = dirname(resolve(workspaceFile));
  const entries = list.map((raw, i) => entryOf(raw, base, i));
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name)) throw new WorkspaceFileError(`${workspaceFile}: Cannot have multiple locations with the same name, got multiple "${e.name}"`);
    names.add(e.name);
  }
  return entries;
}

/** "Imports" one location: its sidecar's definitions, or the load error a real import would raise. */
export function loadEntry(entry: WorkspaceEntry): LocationState {
  let text: string;
  try {
    text = readBounded(entry.sidecar, MAX_SIDECAR_BYTES);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : e instanceof Error ? e.message : String(e);
    return { status: 'error', name: entry.name, message: `stand-in definitions file ${entry.sidecar} (for ${entry.code}) ${why}` };
  }
  return toState(parseSidecar(entry.name, entry.sidecar, text));
}

/** The definitions of the workspace file at `path`, read from disk on every load. */
export class WorkspaceFileSource implements DefinitionSource {
  readonly #path: string;
  #entries: WorkspaceEntry[];

  constructor(path: string) {
    this.#path = path;
    this.#entries = readWorkspace(path);
  }

  loadAll(): LocationState[] {
    this.#entries = readWorkspace(this.#path);
    return this.#entries.map(loadEntry);
  }

  loadOne(name: string): LocationState | undefined {
    const entry = this.#entries.find((e) => e.name === name);
    return entry === undefined ? undefined : loadEntry(entry);
  }
}
