// A Gerrit ChangeInfo reduced to what a policy decides on: owner, where the change lives, its
// status, and per label who voted what. Parsed defensively: it comes over the network.

export interface AccountFacts {
  readonly account_id: number | null;
  readonly username: string | null;
  readonly email: string | null;
}

export interface Vote extends AccountFacts {
  readonly value: number;
}

export interface LabelSummary {
  /** Highest and lowest vote cast (0 when nobody voted). */
  readonly max: number;
  readonly min: number;
  /** Every non-zero vote. */
  readonly votes: readonly Vote[];
}

export interface ChangeFacts {
  readonly number: number;
  readonly change_id: string | null;
  readonly project: string;
  readonly branch: string;
  readonly status: string;
  readonly owner: AccountFacts;
  readonly current_revision: string | null;
  readonly labels: Readonly<Record<string, LabelSummary>>;
}

/** Strips Gerrit's `)]}'` XSSI guard line and parses the JSON after it. */
export function parseGerritJson(text: string): unknown {
  const body = text.startsWith(")]}'") ? text.slice(text.indexOf('\n') + 1) : text;
  return JSON.parse(body);
}

export function changeFacts(json: unknown): ChangeFacts | undefined {
  if (!isRecord(json)) return undefined;
  const number = json['_number'];
  const project = json['project'];
  const branch = json['branch'];
  if (typeof number !== 'number' || typeof project !== 'string' || typeof branch !== 'string') return undefined;
  return {
    number,
    change_id: typeof json['change_id'] === 'string' ? json['change_id'] : null,
    project,
    branch: branch.startsWith('refs/') ? branch : `refs/heads/${branch}`,
    status: typeof json['status'] === 'string' ? json['status'] : 'UNKNOWN',
    owner: accountFacts(json['owner']),
    current_revision: typeof json['current_revision'] === 'string' ? json['current_revision'] : null,
    labels: labelsOf(json['labels']),
  };
}

function labelsOf(raw: unknown): Record<string, LabelSummary> {
  const out: Record<string, LabelSummary> = {};
  if (!isRecord(raw)) return out;
  for (const [name, info] of Object.entries(raw)) {
    const all = isRecord(info) && Array.isArray(info['all']) ? info['all'] : [];
    const votes: Vote[] = [];
    for (const entry of all) {
      if (!isRecord(entry) || typeof entry['value'] !== 'number' || entry['value'] === 0) continue;
      votes.push({ ...accountFacts(entry), value: entry['value'] });
    }
    const values = votes.map((v) => v.value);
    out[name] = { max: Math.max(0, ...values), min: Math.min(0, ...values), votes };
  }
  return out;
}

function accountFacts(raw: unknown): AccountFacts {
  if (!isRecord(raw)) return { account_id: null, username: null, email: null };
  return {
    account_id: typeof raw['_account_id'] === 'number' ? raw['_account_id'] : null,
    username: typeof raw['username'] === 'string' ? raw['username'] : null,
    email: typeof raw['email'] === 'string' ? raw['email'] : null,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
