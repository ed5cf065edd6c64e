// The classifier for an upstream without a specific one: reads are GET and HEAD, everything
// else is a write. Upstream-specific classifiers (gerrit/, dagster/) replace it.

import type { Classification, Classifier, ClassifyRequest } from './types.js';

const READ_METHODS = new Set(['GET', 'HEAD']);

export const methodClassifier: Classifier = {
  classify(request: ClassifyRequest): Promise<Classification> {
    const kind = READ_METHODS.has(request.method) ? 'read' : 'write';
    return Promise.resolve({
      action: `${request.upstream}.${kind}`,
      resource: { upstream: request.upstream, path: request.target.path },
      body: { kind: 'untouched' },
    });
  },
};
