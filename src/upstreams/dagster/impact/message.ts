// The text posted on the Gerrit change for one patch set's impact: counts per reason, the changed
// assets with their reasons and owners, then the downstream reach, each linked to its page in the
// branch deployment. Gerrit renders review messages as plain text with a little markdown (lists,
// autolinked URLs), so that is all this uses. Asset keys, owners and locations come from the code
// under review: control characters are dropped and each name is bounded, so none can forge lines.
// The whole message is bounded too (Gerrit refuses comments over its size limit, 16 KiB by
// default), lists end with "and N more".

import { CHANGE_REASONS, type AssetImpact, type ChangeReason, type ImpactedAsset } from './types.js';

export interface ImpactLinks {
  /** The branch deployment's base URL (its --path-prefix included), without a trailing slash. */
  readonly deploymentUrl: string;
  /** Changegate's page for this change's assets, if any. */
  readonly pageUrl?: string;
}

export interface MessageLimits {
  readonly changed: number;
  readonly downstream: number;
  /** Characters in the whole message. */
  readonly chars: number;
}

export const MESSAGE_LIMITS: MessageLimits = { changed: 50, downstream: 30, chars: 12_000 };

const WORDS: Readonly<Record<ChangeReason, string>> = {
  NEW: 'new',
  CODE_VERSION: 'code version',
  DEPENDENCIES: 'upstream dependencies',
  PARTITIONS_DEFINITION: 'partitions definition',
  TAGS: 'tags',
  METADATA: 'metadata',
  REMOVED: 'removed',
};

/** The message, or undefined when nothing changed (nothing is posted then). */
export function impactMessage(impact: AssetImpact, links: ImpactLinks, limits: MessageLimits = MESSAGE_LIMITS): string | undefined {
  if (impact.assets.length === 0) return undefined;
  const { patchset, gitSha } = impact.computedFor;
  const counts = CHANGE_REASONS.filter((r) => impact.counts[r] > 0).map((r) => `${impact.counts[r]} ${WORDS[r]}`);
  const head = [
    `Asset changes in patch set ${patchset} (${clean(gitSha).slice(0, 12)}), compared with production:`,
    '',
    `${impact.assets.length} ${plural(impact.assets.length, 'asset')} changed: ${counts.join(', ')}.`,
  ];
  if (impact.downstream.length > 0) head.push(`${impact.downstream.length} unchanged ${plural(impact.downstream.length, 'asset')} downstream.`);

  const changed = impact.assets.map((a) => {
    const owners = a.owners.length === 0 ? '' : `; owners: ${a.owners.slice(0, 5).map(clean).join(', ')}${a.owners.length > 5 ? ', ...' : ''}`;
    const link = a.reasons.includes('REMOVED') ? '' : ` ${assetUrl(links, a)}`;
    return `* ${name(a)} (${a.reasons.map((r) => WORDS[r]).join(', ')}${owners})${link}`;
  });
  const downstream = impact.downstream.map((a) => `* ${name(a)} ${assetUrl(links, a)}`);

  const tail = links.pageUrl === undefined ? [] : ['', `All of it: ${links.pageUrl}`];
  const budget = limits.chars - length(head) - length(tail) - 64;
  const changedLines = bounded(changed, limits.changed, Math.floor(budget * (downstream.length > 0 ? 0.7 : 1)));
  const downstreamLines = downstream.length === 0 ? [] : bounded(downstream, limits.downstream, budget - length(changedLines));
  return [...head, '', 'Changed:', ...changedLines, ...(downstreamLines.length === 0 ? [] : ['', 'Downstream:', ...downstreamLines]), ...tail].join('\n');
}

/** `{deploymentUrl}/assets/{key path joined by /}`, each part percent-encoded. */
export function assetUrl(links: ImpactLinks, asset: Pick<ImpactedAsset, 'key'>): string {
  return `${links.deploymentUrl}/assets/${asset.key.map(encodeURIComponent).join('/')}`;
}

/** As many lines as fit in `max` lines and `chars` characters, then "and N more". */
function bounded(lines: readonly string[], max: number, chars: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (out.length >= max || used + line.length + 1 > chars) break;
    out.push(line);
    used += line.length + 1;
  }
  if (out.length < lines.length) out.push(`* and ${lines.length - out.length} more`);
  return out;
}

function name(a: ImpactedAsset): string {
  return `${a.key.map(clean).join('/')} [${clean(a.location)}]`;
}

/** No control characters (no new lines), no markdown link syntax, at most 200 characters. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/[[\]()<>`]/g, '_');
  return plain.length > 200 ? `${plain.slice(0, 199)}…` : plain;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function length(lines: readonly string[]): number {
  return lines.reduce((n, l) => n + l.length + 1, 0);
}
