// Import a module that may not exist in this build (the demo's optional stand-ins). A missing
// module is undefined; a module that exists but fails to load (a broken import inside it) is a
// real error and propagates.

import { fileURLToPath } from 'node:url';

export async function importOptional(url: URL): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(url.href)) as Record<string, unknown>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const missing = err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND';
    // Only "this very file is missing" counts; strip the extension since tsx maps .js to .ts.
    const stem = fileURLToPath(url).replace(/\.[cm]?[jt]s$/, '');
    if (missing && typeof err.message === 'string' && err.message.includes(stem)) return undefined;
    throw e;
  }
}
