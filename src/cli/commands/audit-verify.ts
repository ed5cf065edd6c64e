// `changegate audit verify FILE...`: checks an audit log's hash chain and checkpoint signatures
// across rotated files (given in any order) and names the first broken line and the tamper.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { keyIdOf, publicKeyFromPem } from '../../audit/signing-key.js';
import { verifyLog } from '../../audit/verify.js';
import { parseArgs, UsageError } from '../args.js';
import type { Command } from '../command.js';

export const auditVerifyCommand: Command = {
  name: ['audit', 'verify'],
  summary: 'Check an audit log\'s hash chain and checkpoint signatures; name the first tampered line',
  usage: `Usage: changegate audit verify [--key PUBLIC.pem] [--json] FILE...

Reads the audit files (the active one and any rotated ones, in any order; they are put in chain
order) and checks every line's SHA-256, every link to the line before, that torn lines left by a
crash are sealed, and, with --key, every checkpoint's Ed25519 signature. On the first broken line
it prints FILE:LINE and the kind of tamper: edit, deletion, reordering, truncation or
forged-checkpoint. Exits 0 when the log is intact, 1 when it is not.

Options:
  -k, --key FILE   the checkpoint public key (stateDir/audit-signing-key.pub.pem); a private
                   key file works too. Without it signatures are not checked (a warning says so).
      --json       print the result as one JSON object`,
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { key: { type: 'string', short: 'k' }, json: { type: 'boolean' } });
    if (positionals.length === 0) throw new UsageError('expected at least one audit FILE');
    const keyPath = flags.key === undefined ? undefined : resolve(io.cwd, flags.key);
    const key = keyPath === undefined ? undefined : publicKeyFromPem(readFileSync(keyPath, 'utf8'), keyPath);
    const report = verifyLog(positionals.map((p) => resolve(io.cwd, p)), key);
    if (flags.json === true) {
      io.stdout.write(`${JSON.stringify({ ok: report.tamper === undefined, ...report })}\n`);
      return report.tamper === undefined ? 0 : 1;
    }
    for (const w of report.warnings) io.stderr.write(`warning: ${w}\n`);
    if (report.tamper !== undefined) {
      const t = report.tamper;
      io.stdout.write(`TAMPERED ${t.file}:${t.line}: ${t.kind}: ${t.message}\n`);
      return 1;
    }
    const signed = key === undefined ? 'signatures not checked' : `signatures checked with key ${keyIdOf(key)}`;
    io.stdout.write(
      `ok: ${report.files} file(s), ${report.lines} line(s), ${report.records} record(s), ${report.checkpoints} checkpoint(s) (${signed}), ` +
        `${report.sealedTorn} sealed torn tail(s)\n`,
    );
    return 0;
  },
};
