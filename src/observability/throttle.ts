// Log lines for events an attacker can repeat at will (refused connections) are throttled, so
// the flood shows up as a count instead of as the flood itself.

/** Calls `log` at most once per `periodMs` per key (a closed set), with how many calls it swallowed since. */
export function throttled(periodMs: number, log: (key: string, detail: string, suppressed: number) => void): (key: string, detail: string) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key, detail) => {
    const now = performance.now();
    const seen = last.get(key);
    if (seen !== undefined && now - seen.at < periodMs) {
      seen.suppressed++;
      return;
    }
    log(key, detail, seen?.suppressed ?? 0);
    last.set(key, { at: now, suppressed: 0 });
  };
}
