// A stand-in for a branch deployment's webserver (and its cleanup command), run by the process
// launcher's tests as a real child process: `node child.js <mode> ...`. Run with no arguments
// (as `node --test` does with every file under dist/test) it does nothing.
//
//   serve PORT PREFIX [--ignore-term] [--chatty]   answers GET PREFIX/server_info with what it was given
//   fail                                            writes an error and exits 3
//   hang [--grandchild]                             never listens (and forks a grandchild that sleeps)
//   sleep                                           sleeps until killed
//   flood BYTES                                     writes BYTES of two-byte characters, a marker, exits 2
//   exit CODE MESSAGE                               prints MESSAGE (and $CLEANUP_NOTE), its cwd, and exits CODE

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const [mode, ...args] = process.argv.slice(2);

function forever(): void {
  setInterval(() => undefined, 60_000);
}

function serve(port: number, prefix: string, flags: readonly string[]): void {
  if (flags.includes('--ignore-term')) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
  const server = createServer((req, res) => {
    if (req.url !== `${prefix}/server_info`) {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.stringify({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd(), pid: process.pid });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  server.listen(port, '127.0.0.1', () => {
    console.log(`serving pid=${process.pid}`);
    if (flags.includes('--chatty')) {
      // Far more than a pipe holds: blocks the process if the launcher stops reading.
      const line = `${'chatter '.repeat(127)}\n`;
      for (let i = 0; i < 1024; i++) process.stdout.write(line);
      process.stdout.write('CHATTY-DONE\n');
    }
  });
}

switch (mode) {
  case undefined:
    break;
  case 'serve':
    serve(Number(args[0]), args[1] ?? '', args.slice(2));
    break;
  case 'fail':
    console.log('loading code locations');
    console.error('boom: the code location did not load');
    process.exitCode = 3;
    break;
  case 'hang':
    console.log(`hang pid=${process.pid}`);
    if (args.includes('--grandchild')) {
      const g = spawn(process.execPath, [fileURLToPath(import.meta.url), 'sleep'], { stdio: 'ignore' });
      console.log(`grandchild pid=${g.pid}`);
    }
    forever();
    break;
  case 'sleep':
    forever();
    break;
  case 'flood': {
    const chunk = 'é'.repeat(4095) + 'x'; // 8191 bytes: the tail's cut lands inside a character
    let left = Number(args[0]);
    while (left > 0) {
      process.stdout.write(chunk);
      left -= Buffer.byteLength(chunk);
    }
    process.stdout.write('\nEND-OF-FLOOD\n');
    process.exitCode = 2;
    break;
  }
  case 'exit':
    console.log(`${args[1] ?? ''} ${process.env['CLEANUP_NOTE'] ?? ''}`.trim());
    console.log(`cwd=${process.cwd()}`);
    process.exitCode = Number(args[0]);
    break;
  default:
    console.error(`unknown mode ${mode}`);
    process.exitCode = 64;
}
