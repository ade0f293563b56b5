/**
 * The history list and the compare queries must stay fast on a large history (bench/history.ts
 * measures 10,000 runs and 1,000,000 measurements); here, on a small database, the query planner's
 * choices for the very SQL the store runs are asserted instead: each reads through an index.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPARE_SQL, RUN_LIST_SQL } from '../../src-main/store/index.js';
import { buildSampleHistory, tempDir, type SampleHistory } from './fixtures.js';

let history: SampleHistory;
let remove: () => void;

beforeAll(() => {
  const tmp = tempDir();
  remove = tmp.remove;
  // No ANALYZE: Bitbench never gathers statistics, so the planner here follows the same rules as on
  // a user's database (statistics from a 3-row table would steer it to plans a big table never gets).
  history = buildSampleHistory(join(tmp.dir, 'bitbench.sqlite'));
});
afterAll(() => {
  history.store.close();
  remove();
});

function plan(sql: string, params: unknown[] | Record<string, unknown>): string {
  const rows = history.store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>;
  return rows.map((r) => r.detail).join('\n');
}

/** No line of the plan reads a whole table without an index. */
function expectNoFullScan(detail: string): void {
  for (const line of detail.split('\n')) {
    if (/^SCAN \w+/.test(line) && !/^SCAN (m|d|models|devices)\b/.test(line)) expect(line).toMatch(/USING (COVERING )?INDEX/);
  }
}

const listParams = { limit: 50, model: 'lenet.onnx', device: 'jetson' };

describe('query plans of the history', () => {
  it('lists recent runs through the created_at index, without sorting the table', () => {
    const detail = plan(RUN_LIST_SQL.all, listParams);
    expect(detail).toMatch(/SCAN r USING INDEX runs_by_created/);
    expect(detail).not.toMatch(/TEMP B-TREE/);
  });

  it('filters runs by model and by device through their indexes', () => {
    const byModel = plan(RUN_LIST_SQL.model, listParams);
    expect(byModel).toMatch(/INDEX (runs_by_model|runs_by_created)/);
    expect(byModel).toMatch(/models USING (COVERING )?INDEX models_by_name/);
    expectNoFullScan(byModel);
    const byDevice = plan(RUN_LIST_SQL.device, listParams);
    expect(byDevice).toMatch(/SEARCH r USING INDEX runs_by_device/);
    expectNoFullScan(byDevice);
    expectNoFullScan(plan(RUN_LIST_SQL.both, listParams));
  });

  it('finds the latency of a configuration on a device through the measurements index', () => {
    const latest = plan(COMPARE_SQL.latestMeasurement, [1, 1]);
    expect(latest).toMatch(/SEARCH measurements USING INDEX measurements_by_configuration/);
    expect(latest).not.toMatch(/TEMP B-TREE/);
    expect(plan(COMPARE_SQL.measurementCount, [1, 1])).toMatch(/SEARCH measurements USING COVERING INDEX measurements_by_configuration/);
  });

  it('finds the configurations and evaluations of runs through indexes', () => {
    expect(plan(COMPARE_SQL.evaluationInRun, [1, 1])).toMatch(/SEARCH e USING INDEX (sqlite_autoindex_evaluations_1|evaluations_by_configuration)/);
    for (const sql of [COMPARE_SQL.validationOnDataset, COMPARE_SQL.anyOnDataset]) {
      const detail = plan(sql, [1, 1]);
      // Walks the configuration's evaluations newest run first and stops at the first match.
      expect(detail).toMatch(/SEARCH e USING INDEX evaluations_by_configuration \(configuration_id=\?\)/);
      expect(detail).not.toMatch(/TEMP B-TREE/);
    }
    expect(plan(COMPARE_SQL.configsOfRun, [1])).toMatch(/SEARCH evaluations USING (COVERING )?INDEX sqlite_autoindex_evaluations_1/);
    expect(plan(COMPARE_SQL.configsMeasuredByRun, [1])).toMatch(/SEARCH measurements USING INDEX sqlite_autoindex_measurements_1/);
  });
});
