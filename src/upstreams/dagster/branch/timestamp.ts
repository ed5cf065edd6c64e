// DAGSTER_CLOUD_GIT_TIMESTAMP is "the Unix timestamp in seconds when the commit occurred"
// (Dagster+'s built-in variables; its CI templates take `git log -1 --format=%cd --date=unix`).
// Gerrit's REST API writes times as "YYYY-MM-DD hh:mm:ss.fffffffff" in UTC; other sources give
// ISO-8601. Parsed strictly (Date.parse accepts too much, and differs between engines): a field
// out of range or a day the month does not have is no timestamp.

const GERRIT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const UNIX = /^-?(?:0|[1-9]\d{0,11})$/;

/** Whole Unix seconds (fractions dropped), or undefined when `value` has none of the forms. */
export function parseCommitTimestamp(value: string): number | undefined {
  if (UNIX.test(value)) return Number(value);
  const m = GERRIT.exec(value) ?? ISO.exec(value);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999. Both roll Feb 30 over to
  // March 2: a day the month does not have reads back differently.
  const date = new Date(0);
  const dayStart = date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return undefined;
  const offset = zoneOffsetSeconds(m[7]);
  if (offset === undefined) return undefined;
  return dayStart / 1000 + hour * 3600 + minute * 60 + second - offset;
}

/** Seconds east of UTC: "Z" or absent (Gerrit's form) is 0, "+02:00" is 7200. */
function zoneOffsetSeconds(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 3600 + minutes * 60);
}
