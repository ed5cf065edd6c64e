// The kubernetes launcher from the config: deployments.kubernetes (namespace, template, apiUrl,
// cleanupImage) and deployments.cleanup.command. Reads the template and finds the API server once,
// at start-up, so a bad template or a missing kubeconfig stops Changegate with a clear error.

import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { DeploymentsConfig } from '../../../config/schema.js';
import { KubeApi } from './api.js';
import { resolveConnection } from './connection.js';
import { KubernetesLauncher } from './launcher.js';
import { loadTemplate } from './template.js';

export { KubeApi, KubeApiError, type KubeConnection } from './api.js';
export { resolveConnection } from './connection.js';
export { KubernetesLauncher, type KubernetesHandle, type KubernetesLauncherOptions } from './launcher.js';
export { loadTemplate, TemplateError, LABEL_CHANGE, LABEL_DEPLOYMENT, LABEL_PATCHSET } from './template.js';

export interface OpenKubernetesLauncherOptions {
  /** A relative template path resolves against this (the config file's directory). */
  readonly baseDir: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly home?: string;
}

export async function openKubernetesLauncher(config: DeploymentsConfig, options: OpenKubernetesLauncherOptions): Promise<KubernetesLauncher> {
  const k = config.kubernetes;
  if (k === undefined) throw new TypeError('deployments.kubernetes is not configured');
  const templatePath = isAbsolute(k.template) ? k.template : resolve(options.baseDir, k.template);
  const template = await loadTemplate(templatePath, k.namespace);
  const connection = await resolveConnection({ apiUrl: k.apiUrl, env: options.env ?? process.env, home: options.home ?? homedir() });
  return new KubernetesLauncher({ api: new KubeApi(connection), template, cleanupImage: k.cleanupImage, cleanupCommand: config.cleanup?.command });
}
