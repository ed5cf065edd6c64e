// The branch-deployment template: a YAML file with one Deployment and one Service, rendered per
// patch set. Rendering is safe by construction: the YAML is parsed once, at load, and placeholders
// are replaced only inside string scalars of the parsed tree (never in keys, never in the text),
// so a value (a path, a commit message in the env) can never add YAML structure.

import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { LaunchSpec } from '../../types.js';
import type { Container, Deployment, EnvVar, Json, JsonObject, Service } from './objects.js';
import { placeholderValues, substitute, unknownPlaceholders, type PlaceholderValues } from './placeholders.js';

export const LABEL_DEPLOYMENT = 'changegate.io/deployment';
export const LABEL_CHANGE = 'changegate.io/change';
export const LABEL_PATCHSET = 'changegate.io/patchset';

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export interface BranchTemplate {
  readonly path: string;
  readonly namespace: string;
  /** The parsed documents, placeholders still in their strings. */
  readonly documents: readonly JsonObject[];
}

export interface RenderedDeployment {
  readonly deployment: Deployment;
  readonly service: Service;
  /** Both objects' name: `{name}-ps{patchset}`, so a new patch set's pair runs beside the old until it is ready. */
  readonly name: string;
  /** The Service's first port. */
  readonly port: number;
  /** The labels that tell this pair's objects and pods (the Deployment's pods carry them all). */
  readonly labels: Readonly<Record<string, string>>;
}

const DNS_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads and checks the template once; a bad template fails start-up, not the first change. */
export async function loadTemplate(path: string, namespace: string): Promise<BranchTemplate> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new TemplateError(`deployments.kubernetes.template ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const template = parseTemplate(text, path, namespace);
  // A trial render with stand-in values catches structural mistakes now.
  renderTemplate(template, {
    name: 'gerrit-change-1',
    change: 1,
    patchset: 1,
    env: {},
    placeholders: { name: 'gerrit-change-1', change: '1', patchset: '1', pathPrefix: '/changes/1', checkout: '/checkout' },
  });
  return template;
}

export function parseTemplate(text: string, path: string, namespace: string): BranchTemplate {
  const documents: JsonObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new TemplateError(`${path}: ${doc.errors[0]!.message}`);
    const value = doc.toJS({ maxAliasCount: 50 }) as Json | undefined;
    if (value === null || value === undefined) continue; // an empty document (a trailing ---)
    if (!isObject(value)) throw new TemplateError(`${path}: every document must be a Kubernetes object (a mapping)`);
    documents.push(value);
  }
  const unknown = [...new Set(unknownPlaceholders(JSON.stringify(documents)))];
  if (unknown.length > 0) {
    throw new TemplateError(`${path}: unknown placeholder ${unknown.map((n) => `{${n}}`).join(' ')} (known: {change} {patchset} {pathPrefix} {checkout} {name})`);
  }
  return { path, namespace, documents };
}

/** Replaces placeholders in string scalars only; keys and structure are the template's. */
function substituteTree(value: Json, values: PlaceholderValues): Json {
  if (typeof value === 'string') return substitute(value, values);
  if (Array.isArray(value)) return value.map((v) => substituteTree(v, values));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteTree(v, values)]));
  return value;
}

/** Kubernetes expands `$(VAR)` in env values, command and args; `$$` is its escape, so doubling every `$` keeps a value literal. */
export function kubeLiteral(value: string): string {
  return value.replaceAll('$', '$$$$');
}

function withEnv(container: Container, env: Readonly<Record<string, string>>): Container {
  if (container.env !== undefined && !Array.isArray(container.env)) throw new TemplateError(`container ${String(container.name)}: env must be a list`);
  const ours = new Set(Object.keys(env));
  const kept: EnvVar[] = (container.env ?? []).filter((e) => !ours.has(e.name));
  return { ...container, env: [...kept, ...Object.entries(env).map(([name, value]) => ({ name, value: kubeLiteral(value) }))] };
}

export type RenderInput = Pick<LaunchSpec, 'name' | 'change' | 'patchset' | 'env' | 'placeholders'>;

export function renderTemplate(template: BranchTemplate, spec: RenderInput): RenderedDeployment {
  const values = placeholderValues(spec.placeholders);
  if (typeof values === 'string') throw new TemplateError(values);
  const where = template.path;
  const rendered = template.documents.map((d) => substituteTree(d, values) as JsonObject);
  const kinds = rendered.map((d) => `${String(d['apiVersion'])}/${String(d['kind'])}`);
  const deployments = rendered.filter((d) => d['apiVersion'] === 'apps/v1' && d['kind'] === 'Deployment');
  const services = rendered.filter((d) => d['apiVersion'] === 'v1' && d['kind'] === 'Service');
  // Exactly these two: the launcher deletes what it created on failure and close, and it only
  // knows how to find (and delete) one Deployment and one Service.
  if (deployments.length !== 1 || services.length !== 1 || rendered.length !== 2) {
    throw new TemplateError(`${where}: expected exactly one apps/v1 Deployment and one v1 Service, found ${kinds.join(', ') || 'nothing'}`);
  }
  for (const d of rendered) {
    const ns = isObject(d['metadata']) ? d['metadata']['namespace'] : undefined;
    // One namespace: the launcher's permissions are scoped to it, and stop/alive look only there.
    if (ns !== undefined && ns !== template.namespace) {
      throw new TemplateError(`${where}: ${String(d['kind'])} is in namespace ${JSON.stringify(ns)}, not deployments.kubernetes.namespace (${template.namespace}); the launcher works in that one namespace only`);
    }
  }
  const name = `${spec.name}-ps${spec.patchset}`;
  if (!DNS_1035.test(name)) throw new TemplateError(`the resource name ${JSON.stringify(name)} is not a DNS label (lowercase letters, digits and -, at most 63)`);
  const labels = { [LABEL_DEPLOYMENT]: spec.name, [LABEL_CHANGE]: String(spec.change), [LABEL_PATCHSET]: String(spec.patchset) };

  const deployment = deployments[0] as Deployment;
  const podSpec = deployment.spec?.template?.spec;
  const containers = podSpec?.containers;
  if (!Array.isArray(containers) || containers.length === 0 || containers.some((c) => typeof c.image !== 'string' || c.image === '')) {
    throw new TemplateError(`${where}: the Deployment's pod template needs containers, each with an image`);
  }
  const meta = (m: Deployment['metadata']) => ({ ...m, name, namespace: template.namespace, labels: { ...m?.labels, ...labels } });
  const outDeployment: Deployment = {
    ...deployment,
    metadata: meta(deployment.metadata),
    spec: {
      ...deployment.spec,
      // Our labels join the selector, so this pair's Service and readiness see only this pair's pods.
      selector: { ...deployment.spec?.selector, matchLabels: { ...deployment.spec?.selector?.matchLabels, ...labels } },
      template: {
        ...deployment.spec?.template,
        metadata: { ...deployment.spec?.template?.metadata, labels: { ...deployment.spec?.template?.metadata?.labels, ...labels } },
        spec: {
          ...podSpec,
          containers: containers.map((c) => withEnv(c, spec.env)),
          ...(Array.isArray(podSpec?.initContainers) ? { initContainers: podSpec.initContainers.map((c) => withEnv(c, spec.env)) } : {}),
        },
      },
    },
  };

  const service = services[0] as Service;
  const port = service.spec?.ports?.[0]?.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TemplateError(`${where}: the Service's first port needs a port number (1-65535)`);
  }
  const outService: Service = {
    ...service,
    metadata: meta(service.metadata),
    spec: { ...service.spec, selector: { ...service.spec?.selector, ...labels } },
  };
  return { deployment: outDeployment, service: outService, name, port, labels };
}
