// The text of a fetch() response, read to at most `maxBytes`: an upstream answering for
// Changegate's own requests (Gerrit's change queries, Dagster's workspace) is as hostile as a
// client, so its answer is bounded before it is parsed. A larger one is cancelled and refused.

export async function boundedText(res: Response, maxBytes: number, who: string): Promise<string> {
  if (res.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await res.body.cancel().catch(() => undefined);
      throw new Error(`${who}'s answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
