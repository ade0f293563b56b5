/**
 * Child process for the real-search crash test: starts a search through the API exactly as the
 * studio does (`search.start`: the real engine, the real model and data), prints the run id as the
 * first line of stdout, and waits for the run (unless the test kills it first).
 * Usage: node --import tsx startStudioSearch.ts HOME REQUEST_JSON
 */
import { createBackend } from '../../../src-main/jobs/backend.js';

const [home, requestJson] = process.argv.slice(2);
const backend = createBackend({ home, mode: 'cli' });
const { runId } = await backend.handlers['search.start'](JSON.parse(requestJson));
process.stdout.write(`${runId}\n`);
await backend.history.waitFor(runId);
process.stdout.write(`${backend.history.store.runs.get(runId)?.status}\n`);
await backend.close();
