// node:test's TAP reporter, with one addition: just before the closing counts (# tests, # pass,
// # fail), a block naming every failed test with its file and the first lines of its error. CI
// shows only the tail of a run's output, and TAP prints a failure wherever its file happened to
// finish, among thousands of passing lines; this puts them where the reader looks. A parent that
// failed only because a subtest did is left out: the subtest is the news.
import { tap } from 'node:test/reporters';

const ERROR_LINES = 8;

function errorLines(error) {
  const cause = error?.cause ?? error;
  const text = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
  return text.split('\n').slice(0, ERROR_LINES).map((line) => `#     ${line}`);
}

export default async function* tapWithFailures(source) {
  const failed = [];
  async function* recording() {
    for await (const event of source) {
      const { type, data } = event;
      if (type === 'test:fail' && data.details?.error?.failureType !== 'subtestsFailed') {
        failed.push([`# ✖ ${data.file ?? '(file unknown)'}`, `#   ${data.name}`, ...errorLines(data.details?.error)].join('\n'));
      }
      yield event;
    }
  }
  let listed = false;
  for await (const text of tap(recording())) {
    if (!listed && failed.length > 0 && text.startsWith('# tests ')) {
      listed = true;
      yield `# ${failed.length} failed:\n${failed.join('\n')}\n`;
    }
    yield text;
  }
}
