// A minimal subscriptions-transport-ws client for tests: opens `graphql-ws`, queues every frame,
// and hands them out one at a time with a bounded wait. Not a test file itself.

import WebSocket from 'ws';

export interface Frame {
  readonly type: string;
  readonly id?: string;
  readonly payload?: unknown;
}

export class WsClient {
  readonly socket: WebSocket;
  readonly #frames: Frame[] = [];
  #waiter: (() => void) | undefined;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.#frames.push(JSON.parse(String(data)) as Frame);
      this.#waiter?.();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, 'graphql-ws', { headers });
      const client = new WsClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  send(frame: Frame): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** The next frame, or an error after `ms`. */
  async next(ms = 5_000): Promise<Frame> {
    const deadline = Date.now() + ms;
    while (this.#frames.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no frame within the time limit');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#waiter = undefined;
    }
    return this.#frames.shift() as Frame;
  }

  /** Frames until (and including) the first of `type` for operation `id`. */
  async until(type: string, id: string, max = 20): Promise<Frame[]> {
    const seen: Frame[] = [];
    for (let i = 0; i < max; i++) {
      const frame = await this.next();
      seen.push(frame);
      if (frame.type === type && frame.id === id) return seen;
    }
    throw new Error(`no ${type} for ${id} within ${max} frames`);
  }

  /** True when no frame arrives within `ms`. */
  async quiet(ms: number): Promise<boolean> {
    try {
      await this.next(ms);
      return false;
    } catch {
      return true;
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
