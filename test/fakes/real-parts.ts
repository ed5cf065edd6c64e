// The real programs the suite drives. The README's test line installs every one of them, so a
// missing one is a failure that names its install line, never a skip: a machine without it must
// not pass quietly while the tests that guard the browser, git-review or the benchmarks' peers
// do not run.

import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const GIT_REVIEW = '/usr/bin/git-review';

/** Headless Chromium as root on a machine with no network: no sandbox, no background traffic. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The path, once it is known to exist; otherwise an error with the Debian package to install. */
export function requireExecutable(path: string, debianPackage: string): string {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run 'apt-get install -y ${debianPackage}' (the README's test line installs every real part the tests use)`);
  }
  return path;
}
