// Reading a kubeconfig file (~/.kube/config, or the first file of $KUBECONFIG) into a connection:
// the current context's cluster (server, CA, insecure-skip-tls-verify) and user (token, token
// file, client certificate). Auth plugins (exec, auth-provider: EKS, GKE, OIDC helpers) run
// programs and are refused with a clear error: run Changegate in the cluster, or give its
// kubeconfig user a token (a ServiceAccount's) instead.

import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import type { KubeConnection } from './api.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function str(o: Obj | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function named(list: unknown, name: string, what: string, file: string): Obj {
  const entry = Array.isArray(list) ? list.map(obj).find((e) => e?.['name'] === name) : undefined;
  if (entry === undefined) throw new Error(`${file}: no ${what} named ${JSON.stringify(name)}`);
  return obj(entry[what]) ?? {};
}

export async function connectionFromKubeconfig(file: string): Promise<KubeConnection> {
  const doc = obj(parse(await readFile(file, 'utf8')));
  if (doc === undefined) throw new Error(`${file}: not a kubeconfig (expected a mapping)`);
  const current = str(doc, 'current-context');
  if (current === undefined) throw new Error(`${file}: no current-context`);
  const context = named(doc['contexts'], current, 'context', file);
  const clusterName = str(context, 'cluster');
  const userName = str(context, 'user');
  if (clusterName === undefined) throw new Error(`${file}: context ${current} names no cluster`);
  const cluster = named(doc['clusters'], clusterName, 'cluster', file);
  const user = userName === undefined ? {} : named(doc['users'], userName, 'user', file);
  const server = str(cluster, 'server');
  if (server === undefined) throw new Error(`${file}: cluster ${clusterName} has no server`);
  for (const plugin of ['exec', 'auth-provider']) {
    if (user[plugin] !== undefined) {
      throw new Error(`${file}: user ${userName ?? ''} authenticates with ${plugin}, which Changegate does not run; give it a token (a ServiceAccount's) or run Changegate in the cluster`);
    }
  }
  // Relative file references resolve against the kubeconfig's directory, as kubectl does.
  const base = dirname(file);
  const fromFile = (p: string) => readFile(isAbsolute(p) ? p : resolve(base, p), 'utf8');
  const pem = async (dataKey: string, fileKey: string, o: Obj): Promise<string | undefined> => {
    const data = str(o, dataKey);
    if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
    const path = str(o, fileKey);
    return path === undefined ? undefined : fromFile(path);
  };
  const ca = await pem('certificate-authority-data', 'certificate-authority', cluster);
  const cert = await pem('client-certificate-data', 'client-certificate', user);
  const key = await pem('client-key-data', 'client-key', user);
  const token = str(user, 'token');
  const tokenFile = str(user, 'tokenFile');
  return {
    server: new URL(server),
    ...(token !== undefined ? { token: { value: token } } : tokenFile !== undefined ? { token: { file: isAbsolute(tokenFile) ? tokenFile : resolve(base, tokenFile) } } : {}),
    ...(ca === undefined ? {} : { ca }),
    ...(cert !== undefined && key !== undefined ? { clientCert: { cert, key } } : {}),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}
