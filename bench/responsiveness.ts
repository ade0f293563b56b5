/**
 * How responsive the main thread (web server, desktop IPC) stays while a search runs: the same
 * demo search run twice in one process, once in a worker thread (how Bitbench runs jobs) and once
 * on the main thread (the baseline), with Node's event-loop delay histogram recording how long the
 * main thread was unable to answer. Prints both and their ratio.
 *
 *   npm run bench:responsiveness
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SearchRequest } from '../src-main/api/index.js';
import { DeviceLab } from '../src-main/device/deviceLab.js';
import { createBackend } from '../src-main/jobs/backend.js';
import { EventHub } from '../src-main/jobs/events.js';
import { createStudioSearchExecutor } from '../src-main/jobs/executors/studioSearch.js';
import { HistoryService } from '../src-main/jobs/historyService.js';
import { prepareHome } from '../src-main/jobs/home.js';
import { startSearch } from '../src-main/jobs/studio/studioHandlers.js';
import { demoSearchRequest } from '../src-main/jobs/studio/demo.js';

const request = SearchRequest.parse({ ...demoSearchRequest(), measure: false, limit: 1000 });

async function measure(label: string, run: () => Promise<void>): Promise<{ maxMs: number; p99Ms: number; seconds: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  const t0 = performance.now();
  h.enable();
  await run();
  h.disable();
  const r = { maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, seconds: (performance.now() - t0) / 1000 };
  console.log(`${label.padEnd(24)} search ${r.seconds.toFixed(1)} s   event-loop delay: max ${r.maxMs.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms`);
  return r;
}

const worker = await measure('worker thread (Bitbench)', async () => {
  const backend = createBackend({ home: mkdtempSync(join(tmpdir(), 'bb-resp-')), mode: 'cli' });
  const started = await backend.handlers['search.start'](request);
  await backend.history.waitFor(started.runId);
  await backend.close();
});

const inline = await measure('main thread (baseline)', async () => {
  const home = prepareHome(mkdtempSync(join(tmpdir(), 'bb-resp-')));
  const events = new EventHub();
  const lab = new DeviceLab({ home: home.root });
  const history = new HistoryService(home.database, events, [createStudioSearchExecutor({ events, artifactsDir: home.artifacts, lab })]);
  const started = await startSearch({ home, history, lab, reportUrlPrefix: null }, request);
  await history.waitFor(started.runId);
  await history.close();
  await lab.close();
});

console.log(`ratio worker / main thread: max delay ${(worker.maxMs / inline.maxMs).toFixed(3)}, p99 delay ${(worker.p99Ms / inline.p99Ms).toFixed(3)}, search time ${(worker.seconds / inline.seconds).toFixed(2)}`);
