// deployments.projects: Gerrit project names, where `*` matches within one path segment and `**`
// across segments. Compiled once to an anchored regular expression with no backtracking blow-up
// (only `[^/]*` and `.*` between literal runs).

export function projectMatcher(patterns: readonly string[]): (project: string) => boolean {
  const compiled = patterns.map(globToRegExp);
  return (project) => compiled.some((re) => re.test(project));
}

export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += '[^/]*';
    } else out += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
