// Subscription sources. Each field returns an async iterator of events shaped `{<field>: payload}`
// (graphql-js executes every event against the subscription's selection). A run's log stream
// sends its events in three messages and ends; locationStateChangeEvents sends one event and then
// stays open until the client stops it, as a long-lived subscription does.

import type { ExecContext, RootValue } from './context.js';
import { runEvents, runView } from './views.js';

class EventStream<T> implements AsyncIterableIterator<T> {
  readonly #pending: T[];
  readonly #idleAfter: boolean;
  #done = false;
  #wake: (() => void) | undefined;

  constructor(events: readonly T[], idleAfter: boolean) {
    this.#pending = [...events];
    this.#idleAfter = idleAfter;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    // A turn of the event loop between messages, so they arrive as separate frames over time.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const value = this.#pending.shift();
    if (!this.#done && value !== undefined) return { value, done: false };
    if (!this.#done && this.#idleAfter) await new Promise<void>((resolve) => (this.#wake = resolve));
    this.#done = true;
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<T>> {
    this.#done = true;
    this.#wake?.();
    return { value: undefined, done: true };
  }
}

export const subscriptionRoot: RootValue = {
  pipelineRunLogs: ({ runId }: { runId: string }, { model }: ExecContext) => {
    const run = model.runs.get(runId);
    if (run === undefined) {
      return new EventStream([{ pipelineRunLogs: { __typename: 'PipelineRunLogsSubscriptionFailure', message: `Could not load run with id ${runId}`, missingRunId: runId } }], false);
    }
    const events = runEvents(run);
    return new EventStream(
      events.map((event, i) => ({
        pipelineRunLogs: { __typename: 'PipelineRunLogsSubscriptionSuccess', run: runView(run), messages: [event], hasMorePastEvents: false, cursor: String(i + 1) },
      })),
      false,
    );
  },
  capturedLogs: ({ logKey }: { logKey: readonly string[] }) =>
    new EventStream([{ capturedLogs: { __typename: 'CapturedLogs', logKey, stdout: `stand-in stdout for ${logKey.join('/')}\n`, stderr: '', cursor: '1' } }], false),
  locationStateChangeEvents: (_: never, { model }: ExecContext) =>
    new EventStream(
      model.locations.slice(0, 1).map((l) => ({
        locationStateChangeEvents: { __typename: 'LocationStateChangeSubscription', event: { __typename: 'LocationStateChangeEvent', eventType: 'LOCATION_UPDATED', message: `${l.name} updated`, locationName: l.name, serverId: `${l.name}-server` } },
      })),
      true,
    ),
};
