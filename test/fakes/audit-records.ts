// Reading what a proxy under test wrote to its audit log. The active file is only the newest
// segment: the log rotates at UTC midnight (and by size), so a test that read the active file
// alone would lose records whenever the suite runs across midnight.

import { statSync } from 'node:fs';
import { readLog, records } from '../../src/audit/read.js';
import { logFiles } from '../../src/audit/segments.js';

/** Every record of the log whose active file is `activePath`, in chain order, across rotations. */
export function auditRecords<T = Record<string, unknown>>(activePath: string): T[] {
  return records(readLog(logFiles(activePath).filter(exists))) as T[];
}

function exists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
