/**
 * Child process for the crash tests: creates a synthetic search run in the given home, prints its
 * id as the first line of stdout, and runs it to the end (unless the test kills it first).
 * Usage: node --import tsx startSyntheticSearch.ts HOME SETTINGS_JSON
 */
import { createBackend } from '../../../src-main/jobs/backend.js';
import { createSyntheticSearchRun } from '../../../src-main/jobs/runFactory.js';

const [home, settingsJson] = process.argv.slice(2);
const backend = createBackend({ home, mode: 'cli' });
const runId = createSyntheticSearchRun(backend.history.store, { evaluator: 'synthetic', ...JSON.parse(settingsJson) });
process.stdout.write(`${runId}\n`);
const status = await backend.history.runToEnd(runId);
process.stdout.write(`${status}\n`);
await backend.close();
