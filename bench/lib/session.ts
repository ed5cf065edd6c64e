// A browser session cookie for the benchmark, sealed the way sign-in seals it (SessionCodec over
// the keys derived from identity.session.keys), so the proxy opens it exactly as it opens a real
// one. Minted with `seen` = now: the proxy re-issues a cookie only after a minute of activity,
// so a scenario shorter than that never pays for re-sealing.

import { newSessionId, SessionCodec } from '../../src/auth/session/codec.js';
import { keyringFromSecrets } from '../../src/auth/session/keys.js';
import type { SessionState } from '../../src/auth/session/types.js';

export interface BenchSession {
  readonly secret: string;
  readonly groups: readonly string[];
  readonly issuer: string;
}

/** The Cookie header value (`changegate=<sealed>`) for a plain-http publicUrl. */
export async function mintSessionCookie(session: BenchSession): Promise<string> {
  const codec = new SessionCodec(keyringFromSecrets([session.secret]), { absoluteSeconds: 12 * 3600, idleSeconds: 3600 });
  const now = Math.floor(Date.now() / 1000);
  const state: SessionState = {
    v: 1,
    sid: newSessionId(),
    sub: 'bench-user',
    iss: session.issuer,
    usr: 'bench-user',
    em: 'bench-user@example.test',
    grp: session.groups,
    auth: now,
    abs: now + 12 * 3600,
    seen: now,
  };
  const [setCookie] = await codec.write(state, [], false, now);
  if (setCookie === undefined) throw new Error('the session codec wrote no cookie');
  return setCookie.split(';')[0]!;
}
