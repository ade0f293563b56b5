/** Versions of the app and of the runtimes it uses, recorded with every run and shown in the UI. */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Versions {
  app: string;
  node: string;
  onnxruntime: string;
}

let cached: Versions | undefined;

/** Finds the project's package.json by walking up from this module (works from source and bundles). */
function findPackageJson(): { version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'bitbench' && pkg.version) return { version: pkg.version };
    }
    const parent = dirname(dir);
    if (parent === dir) return { version: '0.0.0' };
    dir = parent;
  }
}

export function getVersions(): Versions {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const ort = require('onnxruntime-node/package.json') as { version: string };
  cached = { app: findPackageJson().version, node: process.versions.node, onnxruntime: ort.version };
  return cached;
}
