// Runs a TypeScript worker entry from source (the CLI and tests run TypeScript through tsx; the
// desktop bundle starts the compiled jobWorker.js directly and never loads this file).
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
