// The process launcher with real child processes (test/fakes/deployments/child.ts stands in for
// the webserver and the cleanup command): readiness, environment, placeholders, failures, process
// groups, bounded output and cleanup.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../../src/config/errors.js';
import { freePort } from '../../../src/deployments/launchers/free-port.js';
import { groupAlive } from '../../../src/deployments/launchers/process-group.js';
import { readProcStat } from '../../../src/deployments/launchers/proc-stat.js';
import { ProcessLauncher, type ProcessLauncherDeps } from '../../../src/deployments/launchers/process.js';
import { LaunchError, type LaunchSpec, type RunningWebserver } from '../../../src/deployments/types.js';
import { eventually } from '../../fakes/poll.js';

const CHILD = fileURLToPath(new URL('../../fakes/deployments/child.js', import.meta.url));
const NODE = process.execPath;
const SERVE = [NODE, CHILD, 'serve', '{port}', '{pathPrefix}'];
const FAST: ProcessLauncherDeps = { probeIntervalMs: 25, stopTiming: { graceMs: 300, pollMs: 20 } };

let checkout: string;

before(async () => {
  // A "{port}" in the checkout path must survive substitution literally.
  checkout = await mkdtemp(join(tmpdir(), 'changegate-{port}-'));
});
after(async () => {
  await rm(checkout, { recursive: true, force: true });
});

function spec(overrides: Partial<LaunchSpec> = {}): LaunchSpec {
  const base = { name: 'gerrit-change-42', change: 42, patchset: 3, checkout, pathPrefix: '/dagster/changes/42', readyTimeoutMs: 20_000 };
  const merged = { ...base, env: { DAGSTER_CLOUD_DEPLOYMENT_NAME: 'gerrit-change-42', SHARED: 'from spec' }, ...overrides };
  return {
    ...merged,
    placeholders: overrides.placeholders ?? {
      name: merged.name,
      change: String(merged.change),
      patchset: String(merged.patchset),
      checkout: merged.checkout,
      pathPrefix: merged.pathPrefix,
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<LaunchError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof LaunchError, `expected a LaunchError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the start to fail');
}

function pidIn(output: string, label: string): number {
  const m = new RegExp(`${label} pid=(\\d+)`).exec(output);
  assert.ok(m, `no "${label} pid=" in ${JSON.stringify(output)}`);
  return Number(m[1]);
}

/** Gone, or a zombie no one reaps (a container's init may not): either way it runs no more. */
async function processGone(pid: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  if (stat !== undefined) return stat.state === 'Z';
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function serverInfo(ws: RunningWebserver, prefix = '/dagster/changes/42'): Promise<{ argv: string[]; env: Record<string, string>; cwd: string; pid: number }> {
  const res = await fetch(`${ws.url}${prefix}/server_info`);
  assert.equal(res.status, 200);
  return (await res.json()) as { argv: string[]; env: Record<string, string>; cwd: string; pid: number };
}

describe('process launcher: start, alive, stop', () => {
  test('starts the webserver on a free port under its path prefix, and stops its whole group', async () => {
    const launcher = new ProcessLauncher({ command: SERVE, env: {} }, undefined, FAST);
    const ws = await launcher.start(spec());
    const pid = ws.handle['pid'] as number;
    assert.match(ws.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(ws.handle['port'], Number(new URL(ws.url).port));
    assert.equal(ws.handle['pgid'], pid);
    assert.equal((await serverInfo(ws)).pid, pid);
    assert.equal(await launcher.alive(ws.handle), true);
    await eventually('the start line in the output', () => launcher.lastOutput(ws.handle)?.includes(`serving pid=${pid}`));

    await launcher.stop(ws.handle);
    assert.equal(await groupAlive(pid), false);
    assert.equal(await launcher.alive(ws.handle), false);
    await launcher.stop(ws.handle); // idempotent
  });

  test('the environment is the inherited base, then the config env, then the spec env; nothing else of ours leaks', async () => {
    process.env['CHANGEGATE_TEST_SECRET'] = 'hunter2';
    try {
      const launcher = new ProcessLauncher({ command: SERVE, env: { FROM_CONFIG: 'change {change} ps {patchset}', SHARED: 'from config', AT: '{checkout}' } }, undefined, FAST);
      const ws = await launcher.start(spec());
      try {
        const info = await serverInfo(ws);
        const expected: Record<string, string> = {};
        for (const name of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR']) if (process.env[name] !== undefined) expected[name] = process.env[name]!;
        Object.assign(expected, { FROM_CONFIG: 'change 42 ps 3', SHARED: 'from spec', AT: checkout, DAGSTER_CLOUD_DEPLOYMENT_NAME: 'gerrit-change-42' });
        assert.deepEqual(info.env, expected);
        assert.equal(info.cwd, checkout);
      } finally {
        await launcher.stop(ws.handle);
      }
    } finally {
      delete process.env['CHANGEGATE_TEST_SECRET'];
    }
  });

  test('placeholders are substituted in one pass: a value holding "{port}" stays literal', async () => {
    assert.ok(checkout.includes('{port}'));
    const launcher = new ProcessLauncher({ command: [...SERVE, '{checkout}', '{name}', 'n={change}/{patchset}'], env: {} }, undefined, FAST);
    const ws = await launcher.start(spec({ name: 'has-{change}-inside' }));
    try {
      const info = await serverInfo(ws);
      assert.deepEqual(info.argv, ['serve', String(ws.handle['port']), '/dagster/changes/42', checkout, 'has-{change}-inside', 'n=42/3']);
    } finally {
      await launcher.stop(ws.handle);
    }
  });

  test('an unknown placeholder is a config error at construction, naming where it is', () => {
    assert.throws(
      () => new ProcessLauncher({ command: [...SERVE, '{prot}'], env: { X: '{chnage}' } }, { command: ['rm', '{workdir}'] }),
      (e: unknown) => e instanceof ConfigError && /command\[5\]: unknown placeholder \{prot\}/.test(e.lines.join('\n')) && e.lines.length === 3,
    );
  });

  test('a spec without a placeholder value is a launch error', async () => {
    const launcher = new ProcessLauncher({ command: SERVE, env: {} }, undefined, FAST);
    const e = await rejection(launcher.start(spec({ placeholders: { change: '42' } })));
    assert.match(e.message, /no value for .*\{patchset\}/);
  });

  test('retries once on a new port when the child finds its port taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const takenPort = (taken.address() as { port: number }).port;
    let picks = 0;
    const launcher = new ProcessLauncher({ command: SERVE, env: {} }, undefined, { ...FAST, freePort: async () => (picks++ === 0 ? takenPort : freePort()) });
    try {
      const ws = await launcher.start(spec());
      assert.notEqual(ws.handle['port'], takenPort);
      assert.equal(picks, 2);
      await launcher.stop(ws.handle);
    } finally {
      taken.close();
    }
  });

  test('a webserver that ignores SIGTERM is killed after the grace period', async () => {
    const launcher = new ProcessLauncher({ command: [...SERVE, '--ignore-term'], env: {} }, undefined, FAST);
    const ws = await launcher.start(spec());
    const pid = ws.handle['pid'] as number;
    await launcher.stop(ws.handle);
    assert.equal(await groupAlive(pid), false);
    assert.equal(await processGone(pid), true);
  });

  test('a chatty webserver keeps running: its output is drained into a bounded tail', async () => {
    const launcher = new ProcessLauncher({ command: [...SERVE, '--chatty'], env: {} }, undefined, FAST);
    const ws = await launcher.start(spec());
    try {
      const out = await eventually('the chatter to end', () => {
        const o = launcher.lastOutput(ws.handle);
        return o?.includes('CHATTY-DONE') ? o : undefined;
      });
      assert.ok(Buffer.byteLength(out) <= 16 * 1024);
      assert.equal(await launcher.alive(ws.handle), true);
    } finally {
      await launcher.stop(ws.handle);
    }
  });

  test('stop and alive of a process that is gone, or of a pid now used by another process', async () => {
    const launcher = new ProcessLauncher({ command: SERVE, env: {} }, undefined, FAST);
    const done = spawnSync(NODE, ['-e', '0']);
    assert.equal(done.status, 0);
    const gone = { pid: done.pid, pgid: done.pid, port: 1, pathPrefix: '/x', startedAt: 0 };
    await launcher.stop(gone);
    assert.equal(await launcher.alive(gone), false);

    const ws = await launcher.start(spec());
    try {
      // Our own pid with another start time: a reused pid; not alive, and stop must not signal it.
      const reused = { ...ws.handle, pid: process.pid, pgid: process.pid, procStart: 'not-ours' };
      assert.equal(await launcher.alive(reused), false);
      await launcher.stop(reused);
    } finally {
      await launcher.stop(ws.handle);
    }
  });
});

describe('process launcher: failures leave nothing running', () => {
  test('a child that exits before answering: LaunchError with its exit code and output', async () => {
    const launcher = new ProcessLauncher({ command: [NODE, CHILD, 'fail'], env: {} }, undefined, FAST);
    const e = await rejection(launcher.start(spec()));
    assert.match(e.message, /exited with code 3 before answering at http:\/\/127\.0\.0\.1:\d+\/dagster\/changes\/42\/server_info/);
    assert.match(e.output, /loading code locations/);
    assert.match(e.output, /boom: the code location did not load/);
  });

  test('a missing executable: LaunchError naming it', async () => {
    const launcher = new ProcessLauncher({ command: ['changegate-no-such-webserver', '{port}'], env: {} }, undefined, FAST);
    const e = await rejection(launcher.start(spec()));
    assert.match(e.message, /cannot start changegate-no-such-webserver: .*ENOENT/);
  });

  test('a value Node cannot pass to a process (a NUL byte from a commit message): LaunchError, not a crash', async () => {
    const launcher = new ProcessLauncher({ command: SERVE, env: {} }, undefined, FAST);
    const e = await rejection(launcher.start(spec({ env: { DAGSTER_CLOUD_GIT_MESSAGE: 'subject\u0000hidden' } })));
    assert.match(e.message, /cannot start .*: environment variable "DAGSTER_CLOUD_GIT_MESSAGE" holds a NUL byte/);
    assert.ok(!e.message.includes('hidden'), 'the value stays out of the message');
  });

  test('a missing checkout: LaunchError naming it', async () => {
    const launcher = new ProcessLauncher({ command: SERVE, env: {} }, undefined, FAST);
    const e = await rejection(launcher.start(spec({ checkout: join(checkout, 'absent') })));
    assert.match(e.message, /checkout .*absent does not exist/);
  });

  test('a child that never answers: LaunchError at the ready timeout, and its group (grandchild too) is gone', async () => {
    const launcher = new ProcessLauncher({ command: [NODE, CHILD, 'hang', '--grandchild'], env: {} }, undefined, FAST);
    const e = await rejection(launcher.start(spec({ readyTimeoutMs: 1_500 })));
    assert.match(e.message, /did not answer at .* within 2 s; stopped it/);
    const pid = pidIn(e.output, 'hang');
    const grandchild = pidIn(e.output, 'grandchild');
    assert.equal(await groupAlive(pid), false);
    assert.equal(await processGone(pid), true);
    assert.equal(await processGone(grandchild), true);
  });

  test('an aborted start stops the child', async () => {
    const ac = new AbortController();
    const launcher = new ProcessLauncher({ command: [NODE, CHILD, 'hang'], env: {} }, undefined, {
      ...FAST,
      probe: async () => {
        ac.abort();
        return false;
      },
    });
    const e = await rejection(launcher.start(spec(), ac.signal));
    assert.match(e.message, /start aborted/);
  });

  test('an output flood is bounded to the last 16 KiB, cut at a character boundary', async () => {
    const launcher = new ProcessLauncher({ command: [NODE, CHILD, 'flood', String(4 * 1024 * 1024)], env: {} }, undefined, FAST);
    const e = await rejection(launcher.start(spec()));
    assert.match(e.message, /exited with code 2/);
    assert.ok(Buffer.byteLength(e.output) <= 16 * 1024, `${Buffer.byteLength(e.output)} bytes`);
    assert.ok(Buffer.byteLength(e.output) > 15 * 1024);
    assert.ok(e.output.endsWith('\nEND-OF-FLOOD\n'));
    assert.ok(!e.output.includes('\uFFFD'));
  });
});

describe('process launcher: cleanup', () => {
  const cleanupSpec = (): LaunchSpec => spec({ env: { CLEANUP_NOTE: 'note-from-spec' } });

  test('runs the command with the placeholders and environment, in the checkout', async () => {
    const launcher = new ProcessLauncher({ command: SERVE, env: {} }, { command: [NODE, CHILD, 'exit', '0', 'cleaned {name}'] }, FAST);
    assert.deepEqual(await launcher.cleanup(cleanupSpec(), 20_000), { ok: true, exitCode: 0, output: `cleaned gerrit-change-42 note-from-spec\ncwd=${checkout}\n` });
  });

  test('a failing command is ok:false with its exit code and output', async () => {
    const launcher = new ProcessLauncher({ command: SERVE, env: {} }, { command: [NODE, CHILD, 'exit', '4', 'could not drop'] }, FAST);
    assert.deepEqual(await launcher.cleanup(cleanupSpec(), 20_000), { ok: false, exitCode: 4, output: `could not drop note-from-spec\ncwd=${checkout}\n` });
  });

  test('a command past its deadline is stopped, with its group', async () => {
    const launcher = new ProcessLauncher({ command: SERVE, env: {} }, { command: [NODE, CHILD, 'hang', '--grandchild'] }, FAST);
    const r = await launcher.cleanup(cleanupSpec(), 500);
    assert.equal(r.ok, false);
    assert.equal(r.exitCode, null);
    assert.match(r.output, /did not finish within 1 s; stopped it/);
    assert.equal(await processGone(pidIn(r.output, 'hang')), true);
    assert.equal(await processGone(pidIn(r.output, 'grandchild')), true);
  });

  test('a value with a NUL byte is ok:false naming the variable, not its value', async () => {
    const launcher = new ProcessLauncher({ command: SERVE, env: {} }, { command: [NODE, CHILD, 'exit', '0'] }, FAST);
    const r = await launcher.cleanup(spec({ env: { TOKEN: 'secret\u0000value' } }), 20_000);
    assert.deepEqual(r, { ok: false, exitCode: null, output: 'environment variable "TOKEN" holds a NUL byte' });
  });

  test('a missing executable is ok:false with the error, never a rejection', async () => {
    const launcher = new ProcessLauncher({ command: SERVE, env: {} }, { command: ['changegate-no-such-cleanup'] }, FAST);
    const r = await launcher.cleanup(cleanupSpec(), 20_000);
    assert.equal(r.ok, false);
    assert.equal(r.exitCode, null);
    assert.match(r.output, /cannot start changegate-no-such-cleanup: .*ENOENT/);
  });

  test('no cleanup configured: nothing to do', async () => {
    const launcher = new ProcessLauncher({ command: SERVE, env: {} }, undefined, FAST);
    assert.deepEqual(await launcher.cleanup(cleanupSpec(), 20_000), { ok: true, exitCode: null, output: '' });
  });
});
