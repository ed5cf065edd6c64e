// Listens on a config address and resolves with the bound address, so port 0 works in tests.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseListen } from '../config/listen.js';

export function listenOn(server: Server, address: string): Promise<AddressInfo> {
  const { host, port } = parseListen(address);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
