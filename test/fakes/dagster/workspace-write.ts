// Writes a checkout's Dagster definitions the way the stand-in reads them: a workspace.yaml naming
// one python_file per location, and each file's JSON sidecar (DEFINITIONS.md). Tests use it to make
// a checkout (or a patch set) whose branch deployment serves given definitions.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocationDefinitions } from './definitions.js';

/**
 * Writes `<dir>/workspace.yaml`, and for each location `<dir>/<name>/definitions.py` (a stub, so the
 * checkout looks like a Dagster project) and its sidecar `<dir>/<name>/definitions.json`.
 * Returns the workspace file's path.
 */
export function writeWorkspace(dir: string, locations: readonly LocationDefinitions[]): string {
  const lines = ['load_from:'];
  for (const loc of locations) {
    if (!/^[\w.-]+$/.test(loc.name)) throw new TypeError(`location name ${JSON.stringify(loc.name)} is not a safe directory name`);
    mkdirSync(join(dir, loc.name), { recursive: true });
    writeFileSync(join(dir, loc.name, 'definitions.py'), '# Stand-in code location: the Dagster stand-in reads definitions.json beside this file.\n');
    writeSidecar(join(dir, loc.name, 'definitions.json'), loc);
    lines.push('  - python_file:', `      relative_path: ${loc.name}/definitions.py`, `      location_name: ${loc.name}`);
  }
  const file = join(dir, 'workspace.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Writes one location's sidecar (the location's name comes from workspace.yaml, not the file). */
export function writeSidecar(path: string, loc: LocationDefinitions): void {
  const body = loc.loadError === undefined
    ? { jobs: loc.jobs ?? [], schedules: loc.schedules ?? [], sensors: loc.sensors ?? [], assets: loc.assets ?? [] }
    : { loadError: loc.loadError };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
}
