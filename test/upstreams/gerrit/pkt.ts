// Builds pkt-line bytes for tests.

export const ZERO = '0'.repeat(40);
export const A = 'a'.repeat(40);
export const B = 'b'.repeat(40);

export function pkt(text: string | Buffer): Buffer {
  const payload = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, '0')), payload]);
}

export function flush(): Buffer {
  return Buffer.from('0000');
}

/** Commands (first with `\0caps`), flush, optional options section, optional fake pack. */
export function pushBody(commands: readonly string[], opts: { options?: readonly string[]; pack: boolean; packBytes?: Buffer }): Buffer {
  const parts = [...commands.map((c) => pkt(`${c}\n`)), flush()];
  if (opts.options !== undefined) parts.push(...opts.options.map((o) => pkt(`${o}\n`)), flush());
  if (opts.pack) parts.push(opts.packBytes ?? Buffer.concat([Buffer.from('PACK'), Buffer.alloc(16, 7)]));
  return Buffer.concat(parts);
}
