/**
 * The history through the API, as the UI sees it: every answer passes the contract's output
 * validation (dispatchApiCall checks it), and a damaged database yields STORE_CORRUPT for the history
 * without breaking the rest of the app.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchApiCall } from '../../src-main/api/index.js';
import { createBackend, type Backend } from '../../src-main/jobs/backend.js';
import { createSyntheticSearchRun } from '../../src-main/jobs/runFactory.js';
import { tempDir } from './fixtures.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanups.splice(0)) await f();
});

function backendInTempHome(): { backend: Backend; home: string } {
  const tmp = tempDir('bb-backend-');
  const home = join(tmp.dir, 'home');
  const backend = createBackend({ home, mode: 'cli' });
  cleanups.push(tmp.remove);
  cleanups.unshift(() => backend.close());
  return { backend, home };
}

describe('history API', () => {
  it('lists, filters, shows and compares runs in the contract shapes', async () => {
    const { backend } = backendInTempHome();
    const store = backend.history.store;
    const small = createSyntheticSearchRun(store, { evaluator: 'synthetic', groups: 4 });
    const big = createSyntheticSearchRun(store, { evaluator: 'synthetic', groups: 6 });
    await backend.history.runToEnd(small);
    await backend.history.runToEnd(big);

    const list = await dispatchApiCall(backend.handlers, 'runs.list', {});
    expect(list).toMatchObject({ ok: true, result: { runs: [{ id: big }, { id: small }] } });
    const filtered = await dispatchApiCall(backend.handlers, 'runs.list', { model: 'synthetic-4', device: 'this computer' });
    expect(filtered).toMatchObject({ ok: true, result: { runs: [{ id: small, modelName: 'synthetic-4', deviceName: 'this computer' }] } });

    const shown = await dispatchApiCall(backend.handlers, 'runs.get', { id: big });
    expect(shown.ok).toBe(true);
    // FP32's SQNR is infinite; the API carries it as null rather than failing validation.
    const fp32 = (shown as { result: { evaluations: Array<{ configHash: string; sqnrDb: number | null; split: string }> } }).result.evaluations[0];
    expect(fp32.sqnrDb).toBeNull();

    const compared = await dispatchApiCall(backend.handlers, 'runs.compare', { targets: [{ runId: big }, { runId: big, configurationId: 2 }] });
    expect(compared).toMatchObject({ ok: true, result: { rows: [{ runId: big }, { runId: big, configurationId: 2 }] } });

    const elsewhere = await dispatchApiCall(backend.handlers, 'runs.compare', { targets: [{ runId: big }], device: 'nano-7' });
    expect(elsewhere).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('nano-7') } });

    const missing = await dispatchApiCall(backend.handlers, 'runs.get', { id: 999 });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('reports a damaged database as STORE_CORRUPT while the rest of the app keeps working', async () => {
    const tmp = tempDir('bb-backend-');
    cleanups.push(tmp.remove);
    const home = join(tmp.dir, 'home');
    const first = createBackend({ home, mode: 'cli' });
    await first.close();
    writeFileSync(first.home.database, 'not a database at all, but long enough to have a header.....................................................\n');
    const backend = createBackend({ home, mode: 'cli' });
    cleanups.unshift(() => backend.close());
    expect(await dispatchApiCall(backend.handlers, 'runs.list', {})).toMatchObject({ ok: false, error: { code: 'STORE_CORRUPT' } });
    expect(await dispatchApiCall(backend.handlers, 'app.info', {})).toMatchObject({ ok: true });
  });
});
