// Hook programs of the stand-in, kept as text so they work the same from tsx and from dist/:
// - commit-msg, served at /tools/hooks/commit-msg: adds a `Change-Id: I<40 hex>` trailer;
// - pre-receive: Gerrit's push rules receive-pack cannot express by config;
// - proc-receive (a small node program): hands refs/for/* commands to the stand-in's server,
//   which creates the change and answers with the lines Gerrit prints on the sideband.

/** Our own POSIX sh commit-msg hook. The id hashes who, where and what, like Gerrit's. */
export const COMMIT_MSG_HOOK = `#!/bin/sh
# commit-msg hook of the Changegate Gerrit stand-in: adds a Change-Id trailer.
msg="$1"
test -f "$msg" || exit 0
# A message that already names its change keeps it (amends keep their change).
if grep -q '^Change-Id: I[0-9a-f]\\{40\\}[[:space:]]*$' "$msg"; then exit 0; fi
# fixup!/squash! commits are folded into another change; they get none.
case "$(sed -n '1p' "$msg")" in
  fixup!*|squash!*|amend!*) exit 0 ;;
esac
# Only comments and blank lines: git aborts the commit anyway.
if ! grep -v '^#' "$msg" | grep -q '[^[:space:]]'; then exit 0; fi
id=$( { git var GIT_COMMITTER_IDENT; git rev-parse --verify -q HEAD; cat "$msg"; } 2>/dev/null | git hash-object --stdin) || exit 1
git interpret-trailers --in-place --where start --if-exists doNothing --trailer "Change-Id: I$id" "$msg"
`;

/** Rejects what Gerrit rejects before it looks at a single commit. */
export function preReceiveHook(): string {
  return `#!/bin/sh
magic=0
normal=0
while read -r old new ref; do
  case "$ref" in
    refs/for/*) magic=$((magic + 1)) ;;
    refs/changes/*) echo "error: $ref: pushes to refs/changes are not possible" >&2; exit 1 ;;
    *) normal=$((normal + 1)) ;;
  esac
done
if [ "$magic" -gt 1 ]; then echo "error: duplicate request: only one refs/for/ push per request" >&2; exit 1; fi
if [ "$magic" -gt 0 ] && [ "$normal" -gt 0 ]; then echo "error: cannot combine normal pushes and magic pushes" >&2; exit 1; fi
exit 0
`;
}

export function procReceiveHook(node: string, script: string): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh\nexec ${q(node)} ${q(script)}\n`;
}

/**
 * The proc-receive protocol (git >= 2.29, Documentation/githooks.txt): version negotiation,
 * commands, optional push options, then one ok/ng per command. Blocking reads are fine in a hook.
 */
export const PROC_RECEIVE_SCRIPT = `// proc-receive hook of the Changegate Gerrit stand-in (generated; see test/fakes/gerrit/hooks.ts)
import { readSync, writeSync } from 'node:fs';

let buf = Buffer.alloc(0);
function fill(n) {
  while (buf.length < n) {
    const chunk = Buffer.alloc(65536);
    let r;
    try {
      r = readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      throw e;
    }
    if (r === 0) throw new Error('proc-receive: unexpected end of input');
    buf = Buffer.concat([buf, chunk.subarray(0, r)]);
  }
}
function readPkt() {
  fill(4);
  const len = parseInt(buf.subarray(0, 4).toString('latin1'), 16);
  if (Number.isNaN(len)) throw new Error('proc-receive: bad pkt-line');
  if (len === 0) {
    buf = buf.subarray(4);
    return null;
  }
  fill(len);
  const line = buf.subarray(4, len).toString('utf8').replace(/\\n$/, '');
  buf = buf.subarray(len);
  return line;
}
function readUntilFlush() {
  const out = [];
  for (let line = readPkt(); line !== null; line = readPkt()) out.push(line);
  return out;
}
function pkt(s) {
  const b = Buffer.from(s + '\\n', 'utf8');
  return Buffer.concat([Buffer.from((b.length + 4).toString(16).padStart(4, '0'), 'latin1'), b]);
}
function write(b) {
  let off = 0;
  while (off < b.length) off += writeSync(1, b, off);
}

const [version = ''] = readUntilFlush();
const caps = (version.split('\\0')[1] ?? '').split(' ');
const wantOptions = caps.includes('push-options');
write(Buffer.concat([pkt('version=1' + (wantOptions ? '\\0push-options' : '')), Buffer.from('0000')]));
const commands = readUntilFlush().map((l) => {
  const [oldOid, newOid, ref] = l.split(' ');
  return { oldOid, newOid, ref };
});
const options = wantOptions ? readUntilFlush() : [];
let answer;
try {
  const res = await fetch(process.env.FAKE_GERRIT_CALLBACK, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      project: process.env.FAKE_GERRIT_PROJECT,
      user: process.env.REMOTE_USER ?? '',
      requestId: process.env.FAKE_GERRIT_REQUEST_ID ?? '',
      commands,
      options,
    }),
  });
  answer = await res.json();
} catch (e) {
  answer = { messages: ['internal error: ' + e.message], results: commands.map((c) => ({ ref: c.ref, ok: false, reason: 'internal error' })) };
}
for (const line of answer.messages) writeSync(2, line + '\\n');
write(Buffer.concat([...answer.results.map((r) => pkt(r.ok ? 'ok ' + r.ref : 'ng ' + r.ref + ' ' + r.reason)), Buffer.from('0000')]));
`;
