// nginx as the ceiling for a plain reverse proxy doing no auth: Debian's nginx with a config
// generated in a temp dir, the same worker count and cores as Changegate, keep-alive to the
// upstream, request bodies streamed (not spooled to disk) and unbounded, as a git push needs.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Nginx {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startNginx(port: number, upstreamPort: number, workers: number, cpus: string): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'changegate-bench-nginx-'));
  const conf = `
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_request_buffering off;
      client_max_body_size 0;
    }
  }
}`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn('taskset', ['-c', cpus, 'nginx', '-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  let up = false;
  for (let i = 0; i < 50 && !up && child.exitCode === null; i++) {
    try {
      await (await fetch(`http://127.0.0.1:${port}/`)).arrayBuffer();
      up = true;
    } catch {
      await sleep(100);
    }
  }
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`nginx did not start on port ${port} (see ${dir}/error.log)`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
