import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, write as fsWrite, writeFileSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LogDestination, type WriteFn } from '../../src/observability/log-destination.js';

const dir = mkdtempSync(join(tmpdir(), 'log-destination-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A temp file's fd and a reader of what reached it. */
function tempFile(): { fd: number; text: () => string; close: () => void } {
  const path = join(dir, `out-${files++}`);
  const fd = openSync(path, 'w');
  return { fd, text: () => readFileSync(path, 'utf8'), close: () => closeSync(fd) };
}

const realWrite: WriteFn = (fd, buffer, offset, length, done) => fsWrite(fd, buffer, offset, length, null, done);

function lines(n: number, tag = 'l'): string[] {
  return Array.from({ length: n }, (_, i) => `{"msg":"${tag}${i}"}\n`);
}

/**
 * Resolves when the destination is idle. Its EAGAIN retry timer is unref'd (logging must not keep
 * a process alive), so a ref'd handle keeps the test's event loop running meanwhile.
 */
function flushed(d: LogDestination): Promise<void> {
  const alive = setInterval(() => undefined, 60_000);
  return new Promise<void>((r) => d.flush(() => r())).finally(() => clearInterval(alive));
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

describe('LogDestination', () => {
  test('every line written in one turn goes out in one write, in order', async () => {
    const out = tempFile();
    let calls = 0;
    const d = new LogDestination({ fd: out.fd, synchronous: false, write: (...a) => (calls++, realWrite(...a)) });
    const all = lines(1000);
    for (const l of all) d.write(l);
    await flushed(d);
    assert.equal(calls, 1);
    assert.equal(out.text(), all.join(''));
    out.close();
  });

  test('lines written while a write is in flight go out together in the next one, after it', async () => {
    const out = tempFile();
    const held: (() => void)[] = [];
    const sizes: number[] = [];
    const d = new LogDestination({
      fd: out.fd,
      synchronous: false,
      write: (fd, b, o, l, done) => {
        sizes.push(l);
        held.push(() => realWrite(fd, b, o, l, done));
      },
    });
    const first = lines(3, 'a');
    const second = lines(5, 'b');
    for (const l of first) d.write(l);
    await new Promise((r) => setImmediate(r));
    assert.equal(held.length, 1);
    for (const l of second) await new Promise((r) => setImmediate(() => r(d.write(l))));
    assert.equal(held.length, 1, 'nothing more is written while the first write is in flight');
    const done = flushed(d);
    held.shift()?.();
    for (let i = 0; i < 1000 && (held.length as number) === 0; i++) await new Promise((r) => setImmediate(r));
    held.shift()?.();
    await done;
    assert.deepEqual(sizes, [first.join('').length, second.join('').length]);
    assert.equal(out.text(), [...first, ...second].join(''));
    out.close();
  });

  test('a short write continues with the rest', async () => {
    const out = tempFile();
    let calls = 0;
    const d = new LogDestination({
      fd: out.fd,
      synchronous: false,
      write: (fd, b, o, l, done) => {
        calls++;
        const n = writeSync(fd, b, o, Math.min(l, 7));
        setImmediate(() => done(null, n));
      },
    });
    const all = lines(20);
    for (const l of all) d.write(l);
    await flushed(d);
    assert.ok(calls > 1);
    assert.equal(out.text(), all.join(''));
    out.close();
  });

  test('EAGAIN is retried until the fd takes the write', async () => {
    const out = tempFile();
    let refusals = 3;
    const d = new LogDestination({
      fd: out.fd,
      synchronous: false,
      retryDelayMs: 1,
      write: (fd, b, o, l, done) => (refusals-- > 0 ? setImmediate(() => done(errno('EAGAIN'), 0)) : realWrite(fd, b, o, l, done)),
    });
    const all = lines(10);
    for (const l of all) d.write(l);
    await flushed(d);
    assert.equal(refusals, -1);
    assert.equal(out.text(), all.join(''));
    assert.equal(d.dropped, 0);
    out.close();
  });

  test('an fd that stays full is given up on after maxBlockedMs; the next write reports the drop', async () => {
    const out = tempFile();
    let clock = 0;
    let full = true;
    const d = new LogDestination({
      fd: out.fd,
      synchronous: false,
      retryDelayMs: 1,
      maxBlockedMs: 1_500,
      now: () => (clock += 1_000),
      write: (fd, b, o, l, done) => (full ? setImmediate(() => done(errno('EWOULDBLOCK'), 0)) : realWrite(fd, b, o, l, done)),
    });
    for (const l of lines(4, 'lost')) d.write(l);
    await flushed(d);
    assert.equal(d.dropped, 4);
    full = false;
    d.write('{"msg":"after"}\n');
    await flushed(d);
    const [notice, next, ...rest] = out.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(notice?.level, 40);
    assert.equal(notice?.dropped, 4);
    assert.equal(notice?.msg, 'log lines dropped: stdout is not keeping up');
    assert.equal(next?.msg, 'after');
    assert.deepEqual(rest, []);
    out.close();
  });

  test('by default (Linux, or a regular file) the turn\'s lines go out in one synchronous write, no thread-pool write', async () => {
    const out = tempFile();
    let syncCalls = 0;
    let asyncCalls = 0;
    const d = new LogDestination({ fd: out.fd, writeSync: (...a) => (syncCalls++, writeSync(...a)), write: (...a) => (asyncCalls++, realWrite(...a)) });
    const all = lines(500);
    for (const l of all) d.write(l);
    await flushed(d);
    assert.deepEqual([syncCalls, asyncCalls], [1, 0]);
    assert.equal(out.text(), all.join(''));
    out.close();
  });

  test('a synchronous write that would block is retried in line on a timer, never in the thread pool', async () => {
    const out = tempFile();
    let asyncCalls = 0;
    let refusals = 2;
    let syncCalls = 0;
    const d = new LogDestination({
      fd: out.fd,
      synchronous: true,
      retryDelayMs: 1,
      writeSync: (fd, b, o, l) => {
        syncCalls++;
        if (refusals-- > 0) throw errno('EAGAIN');
        // A short write first: the rest follows in the same turn.
        return writeSync(fd, b, o, Math.min(l, 10));
      },
      write: (...a) => (asyncCalls++, realWrite(...a)),
    });
    const all = lines(3);
    for (const l of all) d.write(l);
    await flushed(d);
    assert.equal(asyncCalls, 0);
    assert.ok(syncCalls > 3, 'two refusals, then short writes');
    assert.equal(out.text(), all.join(''));
    out.close();
  });

  test('lines beyond the pending cap are dropped, counted, and reported once before the next write', async () => {
    const out = tempFile();
    const d = new LogDestination({ fd: out.fd, maxPendingBytes: 100 });
    const line = `{"msg":"${'x'.repeat(30)}"}\n`; // 41 characters: two fit, three do not
    for (let i = 0; i < 5; i++) d.write(line);
    assert.equal(d.dropped, 3);
    await flushed(d);
    d.write(line);
    await flushed(d);
    const written = out.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(written.length, 4);
    assert.deepEqual([written[0]?.level, written[0]?.dropped, written[0]?.msg], [40, 3, 'log lines dropped: stdout is not keeping up']);
    assert.equal(d.dropped, 0);
    out.close();
  });

  test('write() does not throw when the fd is bad; the lines are counted as dropped', async () => {
    const d = new LogDestination({ fd: 987_654 });
    d.write('{"msg":"nowhere"}\n');
    await flushed(d);
    assert.equal(d.dropped, 1);
  });

  test('flushSync writes what is pending, and a refusing fd is retried only until the deadline', () => {
    const out = tempFile();
    let clock = 0;
    let refusals = 2;
    const d = new LogDestination({
      fd: out.fd,
      synchronous: false,
      retryDelayMs: 1,
      maxBlockedMs: 5_000,
      now: () => (clock += 1_000),
      writeSync: (fd, b, o, l) => {
        if (refusals-- > 0) throw errno('EAGAIN');
        return writeSync(fd, b, o, l);
      },
    });
    const all = lines(3);
    for (const l of all) d.write(l);
    d.flushSync();
    assert.equal(out.text(), all.join(''));
    const stuck = new LogDestination({ fd: out.fd, retryDelayMs: 1, maxBlockedMs: 3_000, now: () => (clock += 1_000), writeSync: () => { throw errno('EAGAIN'); } });
    stuck.write('{"msg":"stuck"}\n');
    stuck.flushSync();
    assert.equal(stuck.dropped, 1);
    out.close();
  });
});

/** A child script that logs through the default logger (stdout), `body` after `const log = createLogger(); let n = 0;`. */
function loggingChild(name: string, body: string): string {
  const logger = new URL('../../src/observability/logger.js', import.meta.url).href;
  const script = join(dir, name);
  writeFileSync(script, `import { createLogger } from ${JSON.stringify(logger)};\nconst log = createLogger();\nlet n = 0;\n${body}`);
  return script;
}

describe('the default stdout destination at exit', () => {
  test('every line logged before process.exit reaches stdout, in order', async () => {
    const script = loggingChild(
      'child.mjs',
      `for (let i = 0; i < 500; i++) log.info({ n: n++ }, 'first turn');
await new Promise((r) => setImmediate(r));
for (let t = 0; t < 20; t++) {
  for (let i = 0; i < 100; i++) log.info({ n: n++ }, 'later turns');
  await new Promise((r) => setImmediate(r));
}
for (let i = 0; i < 500; i++) log.info({ n: n++ }, 'last turn');
process.exit(3);
`,
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 3);
    const ns = stdout.trim().split('\n').map((l) => (JSON.parse(l) as { n: number }).n);
    assert.deepEqual(ns, Array.from({ length: 3000 }, (_, i) => i));
  });
});

describe('the default stdout destination on a pipe', () => {
  test('a reader that stops reading costs lines at most, never the event loop', async (t) => {
    // A real FIFO (a shell pipeline's or a container runtime's kind of stdout; node's own
    // child stdio would be a socketpair). Nobody reads it until the child says it is alive.
    const fifo = join(dir, 'stdout.fifo');
    execFileSync('mkfifo', [fifo]);
    const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeFd = openSync(fifo, 'w');
    const script = loggingChild(
      'pipe-child.mjs',
      `// About 2 MB: thirty times what a pipe holds.
for (let t = 0; t < 40; t++) {
  for (let i = 0; i < 500; i++) log.info({ n: n++ }, 'filling the pipe');
  await new Promise((r) => setImmediate(r));
}
await new Promise((r) => setTimeout(r, 0));
process.stderr.write('alive\\n');
// Exit with a batch waiting to retry and more pending: the exit flush writes both, in order.
process.exit(0);
`,
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', writeFd, 'pipe'] });
    closeSync(writeFd);
    // A child stuck on its stdout would outlive a failed test.
    t.after(() => child.kill('SIGKILL'));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const stderr = child.stderr;
    assert.ok(stderr !== null);
    // With stdout blocking, the child would sit in write() on the full pipe and never get here.
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('the child stopped on its full stdout')), 60_000);
      stderr.setEncoding('utf8').on('data', (s: string) => {
        if (s.includes('alive')) {
          clearTimeout(deadline);
          resolve();
        }
      });
    });
    let text = '';
    const reader = new Socket({ fd: readFd, readable: true, writable: false });
    reader.setEncoding('utf8').on('data', (s: string) => (text += s));
    await new Promise((r) => reader.once('end', r));
    assert.equal(await exited, 0);
    // Once read again, the lines arrive in order; any the child gave up on are counted in a
    // log_lines_dropped line, so none vanish unaccounted.
    const parsed = text.trim().split('\n').map((l) => JSON.parse(l) as { n?: number; dropped?: number });
    const ns = parsed.flatMap((l) => (l.n === undefined ? [] : [l.n]));
    const dropped = parsed.reduce((sum, l) => sum + (l.dropped ?? 0), 0);
    assert.ok(ns.every((n, i) => i === 0 || n > ns[i - 1]!), 'in order');
    assert.equal(ns.length + dropped, 20_000);
  });
});
