import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadTemplate, parseTemplate, renderTemplate, TemplateError, type RenderInput } from '../../../../src/deployments/launchers/kubernetes/template.js';
import { launchSpec, repoRoot } from './harness.js';

const NS = 'dagster-branches';

const TWO = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: "{name}", labels: { app: web } }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: "img:{change}-{patchset}"
          args: [--path-prefix, "{pathPrefix}", "\${HOME}", '{"json": true}', "{checkout}"]
          env:
            - { name: DAGSTER_CLOUD_PULL_REQUEST_ID, value: from-template }
            - { name: KEEP, value: "$(OTHER)" }
            - { name: FROM_SECRET, valueFrom: { secretKeyRef: { name: s, key: k } } }
      initContainers:
        - { name: init, image: busybox }
---
apiVersion: v1
kind: Service
metadata: { name: svc }
spec:
  selector: { app: web }
  ports: [{ port: 3000 }]
---
`;

function render(text: string, spec: RenderInput = launchSpec()) {
  return renderTemplate(parseTemplate(text, 't.yaml', NS), spec);
}

describe('kubernetes template', () => {
  it('names both objects per patch set, in the configured namespace, labelled, selectors included', () => {
    const r = render(TWO);
    assert.equal(r.name, 'gerrit-change-42-ps3');
    assert.equal(r.port, 3000);
    const labels = { 'changegate.io/deployment': 'gerrit-change-42', 'changegate.io/change': '42', 'changegate.io/patchset': '3' };
    for (const o of [r.deployment, r.service]) {
      assert.equal(o.metadata?.name, 'gerrit-change-42-ps3');
      assert.equal(o.metadata?.namespace, NS);
    }
    assert.deepEqual(r.deployment.metadata?.labels, { app: 'web', ...labels });
    assert.deepEqual(r.deployment.spec?.selector?.matchLabels, { app: 'web', ...labels });
    assert.deepEqual(r.deployment.spec?.template?.metadata?.labels, { app: 'web', ...labels });
    assert.deepEqual(r.service.metadata?.labels, labels);
    assert.deepEqual(r.service.spec?.selector, { app: 'web', ...labels });
  });

  it('substitutes placeholders in strings and leaves ${VAR} and JSON braces alone', () => {
    const c = render(TWO).deployment.spec?.template?.spec?.containers?.[0];
    assert.equal(c?.image, 'img:42-3');
    assert.deepEqual(c?.args, ['--path-prefix', '/dagster/changes/42', '${HOME}', '{"json": true}', '/var/deployments/42/3']);
  });

  it('injects the spec env into every container; the spec wins over the template, the rest stays; values stay literal', () => {
    const pod = render(TWO).deployment.spec?.template?.spec;
    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
      assert.equal(env['DAGSTER_CLOUD_PULL_REQUEST_ID']?.value, '42');
      assert.equal(env['DAGSTER_CLOUD_IS_BRANCH_DEPLOYMENT']?.value, '1');
      // Kubernetes would expand $(DAGSTER_HOME); $$ keeps it literal. {change} is not substituted in env values.
      assert.equal(env['DAGSTER_CLOUD_GIT_MESSAGE']?.value, 'Fix it\n---\nkind: Secret\n$$(DAGSTER_HOME) {change}');
      assert.equal((c.env ?? []).filter((e) => e.name === 'DAGSTER_CLOUD_PULL_REQUEST_ID').length, 1);
    }
    const web = Object.fromEntries((pod?.containers?.[0]?.env ?? []).map((e) => [e.name, e]));
    assert.equal(web['KEEP']?.value, '$(OTHER)', "the template's own $(VAR) references are the operator's: kept");
    assert.deepEqual(web['FROM_SECRET']?.valueFrom, { secretKeyRef: { name: 's', key: 'k' } });
  });

  it('keeps hostile placeholder values literal: no YAML structure, no second expansion', () => {
    const hostile = launchSpec();
    const spec = { ...hostile, placeholders: { ...hostile.placeholders, pathPrefix: '/x"\n---\nkind: Secret\n{name}', checkout: '{change}' } };
    const r = render(TWO, spec);
    const c = r.deployment.spec?.template?.spec?.containers?.[0];
    assert.deepEqual(c?.args?.[1], '/x"\n---\nkind: Secret\n{name}');
    assert.deepEqual(c?.args?.[4], '{change}');
  });

  it('refuses other namespaces, other kinds, missing objects and unknown placeholders, saying why', () => {
    assert.throws(() => render(TWO.replace('metadata: { name: svc }', 'metadata: { name: svc, namespace: kube-system }')), (e: unknown) => e instanceof TemplateError && /namespace "kube-system".*one namespace only/.test(e.message));
    assert.throws(() => render(TWO.replace('metadata: { name: svc }', 'metadata: { name: svc, namespace: "{name}" }')), /namespace "gerrit-change-42"/);
    assert.throws(() => render(`${TWO}\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\n`), /exactly one apps\/v1 Deployment and one v1 Service, found apps\/v1\/Deployment, v1\/Service, v1\/Secret/);
    assert.throws(() => render(TWO.split('---')[0]!), /exactly one/);
    assert.throws(() => parseTemplate(TWO.replace('{checkout}', '{chekout}'), 't.yaml', NS), /unknown placeholder \{chekout\}/);
    assert.throws(() => parseTemplate('a: [', 't.yaml', NS), TemplateError);
    assert.throws(() => render(TWO.replace('ports: [{ port: 3000 }]', 'ports: [{ port: "{change}" }]')), /first port/);
  });

  it('refuses a name that is no DNS label', () => {
    assert.throws(() => render(TWO, launchSpec({ name: 'Gerrit_Change' })), /not a DNS label/);
  });

  it('ships deploy/branch-deployment.yaml, which loads and renders', async () => {
    const t = await loadTemplate(join(repoRoot(), 'deploy', 'branch-deployment.yaml'), NS);
    const r = renderTemplate(t, launchSpec());
    assert.equal(r.port, 3000);
    const c = r.deployment.spec?.template?.spec?.containers?.[0];
    assert.deepEqual(c?.command?.slice(-2), ['--path-prefix', '/dagster/changes/42']);
  });
});
