// The audit builder: the hash-chained file sink, mirrored to stdout, reporting to the log and
// metrics, and a readiness probe that is off while records cannot be written.

import { FileAuditSink } from '../audit/file-sink.js';
import { auditSinkOptions } from '../audit/options.js';
import type { AuditSink } from '../audit/types.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Readiness } from '../observability/readiness.js';

export async function buildAudit(config: Config, logger: Logger, metrics: Metrics, readiness: Readiness): Promise<AuditSink> {
  const audit = await FileAuditSink.open(
    auditSinkOptions(config, {
      mirror: process.stdout,
      warn: (m) => logger.warn({ component: 'audit' }, m),
      observe: { write: (s) => metrics.observeAuditWrite(s), failure: () => metrics.auditFailure() },
    }),
  );
  readiness.register('audit', () => (audit.ready ? { ready: true } : { ready: false, reason: audit.notReadyReason ?? 'not ready' }));
  return audit;
}
