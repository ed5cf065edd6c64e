// A CLI command is data: a name path, a one-line summary, usage text and a run function.
// src/cli/registry.ts lists them; `changegate --help` is generated from that list.

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface Command {
  /** Words that select the command, such as ['policy', 'build']. */
  readonly name: readonly string[];
  readonly summary: string;
  /** Full usage text for `changegate <name> --help`. */
  readonly usage: string;
  /** Returns the process exit code: 0 success, 1 failure of the work, 2 bad usage or bad config. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}
