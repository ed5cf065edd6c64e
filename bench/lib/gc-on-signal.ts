// Preloaded (`--import`) into the Changegate that the WebSocket churn scenario measures, started
// with `--expose-gc`: on SIGUSR2 it runs a full GC and writes process.memoryUsage() as JSON to
// the file named by BENCH_GC_REPORT, so the bench reads RSS and heap after a collection without
// the proxy carrying a GC hook of its own. Does nothing unless both are there.

import { writeFileSync } from 'node:fs';

const report = process.env['BENCH_GC_REPORT'];
const gc = (globalThis as { gc?: () => void }).gc;
if (report !== undefined && report !== '' && gc !== undefined) {
  process.on('SIGUSR2', () => {
    // Twice: the first pass runs finalizers whose objects the second one frees.
    gc();
    gc();
    writeFileSync(report, JSON.stringify(process.memoryUsage()));
  });
}
