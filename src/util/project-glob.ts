// deployments.projects (and deployOnMerge's project): Gerrit project names, where `*` matches
// within one path segment and `**` across segments; every other character is literal.
//
// Matched by stepping a set of pattern positions through the name (an NFA), not by a regular
// expression: `[^/]*a[^/]*a…` backtracks polynomially in the number of stars, and the names come
// from Gerrit (hostile), so the work here is bounded by name length × pattern length.

type Token = { readonly kind: 'char'; readonly char: string } | { readonly kind: 'star' } | { readonly kind: 'globstar' };

export function projectMatcher(patterns: readonly string[]): (project: string) => boolean {
  const compiled = patterns.map(compileGlob);
  return (project) => compiled.some((matches) => matches(project));
}

/** One glob as a predicate over project names. */
export function compileGlob(glob: string): (project: string) => boolean {
  const tokens = tokenize(glob);
  const end = tokens.length;
  /** Adds `i` and every position reachable from it by letting stars match nothing. */
  const close = (into: Set<number>, i: number): void => {
    while (!into.has(i)) {
      into.add(i);
      if (i === end || tokens[i]!.kind === 'char') return;
      i += 1;
    }
  };
  return (project) => {
    let states = new Set<number>();
    close(states, 0);
    for (const c of project) {
      const next = new Set<number>();
      for (const i of states) {
        if (i === end) continue;
        const t = tokens[i]!;
        if (t.kind === 'char') {
          if (t.char === c) close(next, i + 1);
        } else if (t.kind === 'globstar' || c !== '/') close(next, i);
      }
      if (next.size === 0) return false;
      states = next;
    }
    return states.has(end);
  };
}

function tokenize(glob: string): Token[] {
  const tokens: Token[] = [];
  const chars = [...glob];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c !== '*') tokens.push({ kind: 'char', char: c });
    else if (chars[i + 1] === '*') {
      // `***` and beyond are one `**`: adjacent stars add no states, only work.
      while (chars[i + 1] === '*') i++;
      tokens.push({ kind: 'globstar' });
    } else tokens.push({ kind: 'star' });
  }
  return tokens;
}
