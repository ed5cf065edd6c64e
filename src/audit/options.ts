// The sink's options from the config file, so the composition root opens the log in one line.

import type { Config } from '../config/schema.js';
import type { FileSinkOptions } from './file-sink.js';

export function auditSinkOptions(
  config: Pick<Config, 'audit' | 'stateDir'>,
  extra: Pick<FileSinkOptions, 'mirror' | 'warn' | 'observe'> = {},
): FileSinkOptions {
  const a = config.audit;
  return {
    path: a.path,
    stateDir: config.stateDir,
    rotateBytes: a.rotateBytes,
    rotateDaily: a.rotateDaily,
    checkpointEvery: a.checkpointEvery,
    checkpointSeconds: a.checkpointSeconds,
    failOpenReads: a.failOpenReads,
    ...(a.signingKey === undefined ? {} : { signingKey: a.signingKey }),
    ...(a.stdout && extra.mirror !== undefined ? { mirror: extra.mirror } : {}),
    ...(extra.warn === undefined ? {} : { warn: extra.warn }),
    ...(extra.observe === undefined ? {} : { observe: extra.observe }),
  };
}
