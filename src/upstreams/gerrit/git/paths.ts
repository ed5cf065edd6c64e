// Gerrit's git smart-HTTP URLs: `[/a][/p]/<project>/(info/refs|git-upload-pack|git-receive-pack)`
// (GitOverHttpModule). Anything else is REST or the UI.

import { decodeSegment } from '../change-id.js';
import { stripPrefix } from '../rest/effective.js';

export type GitService = 'info-refs' | 'git-upload-pack' | 'git-receive-pack';

export interface GitTarget {
  readonly project: string;
  readonly service: GitService;
}

const GIT_PATH = /^(?:\/a)?(?:\/p\/|\/)(.*)\/(info\/refs|git-upload-pack|git-receive-pack)$/;

export function gitTarget(path: string, prefix: string): GitTarget | undefined {
  const m = GIT_PATH.exec(stripPrefix(path, prefix));
  if (m === null) return undefined;
  const [, rawProject = '', service = ''] = m;
  const decoded = rawProject.split('/').map((s) => decodeSegment(s) ?? s).join('/');
  const project = decoded.endsWith('.git') ? decoded.slice(0, -4) : decoded;
  return { project, service: service === 'info/refs' ? 'info-refs' : (service as GitService) };
}
