// The benchmark upstream: answers every request with "ok" over keep-alive.
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
http
  .createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
      res.end('ok');
    });
  })
  .listen(port, '127.0.0.1');
