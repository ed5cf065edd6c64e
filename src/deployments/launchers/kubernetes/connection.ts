// Which API server to talk to, and as whom, in this order:
//   1. deployments.kubernetes.apiUrl, with the pod's service-account token and CA when present;
//   2. in the cluster: KUBERNETES_SERVICE_HOST/PORT and the service-account token and CA;
//   3. the kubeconfig file ($KUBECONFIG's first entry, else ~/.kube/config).

import { access, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { KubeConnection } from './api.js';
import { connectionFromKubeconfig } from './kubeconfig.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ConnectionSources {
  readonly apiUrl?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  /** Where the pod's service-account files are (tests point it elsewhere). */
  readonly serviceAccountDir?: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function serviceAccount(dir: string): Promise<Pick<KubeConnection, 'token' | 'ca'>> {
  const tokenFile = join(dir, 'token');
  const caFile = join(dir, 'ca.crt');
  return {
    ...((await exists(tokenFile)) ? { token: { file: tokenFile } } : {}),
    ...((await exists(caFile)) ? { ca: await readFile(caFile, 'utf8') } : {}),
  };
}

export async function resolveConnection(sources: ConnectionSources): Promise<KubeConnection> {
  const saDir = sources.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (sources.apiUrl !== undefined) return { server: new URL(sources.apiUrl), ...(await serviceAccount(saDir)) };
  const host = sources.env['KUBERNETES_SERVICE_HOST'];
  if (host !== undefined && host !== '') {
    const port = sources.env['KUBERNETES_SERVICE_PORT'] || '443';
    const sa = await serviceAccount(saDir);
    if (sa.token === undefined) throw new Error(`in the cluster (KUBERNETES_SERVICE_HOST is set) but ${saDir}/token is missing: mount the service account token`);
    return { server: new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`), ...sa };
  }
  const fromEnv = sources.env['KUBECONFIG']?.split(delimiter).find((p) => p !== '');
  return connectionFromKubeconfig(fromEnv ?? join(sources.home, '.kube', 'config'));
}
