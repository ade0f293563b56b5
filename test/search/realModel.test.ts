/**
 * The search on a real reference model with the real engine: determinism (the same search run
 * twice with one seed gives identical results) and the `bitbench search` command's JSON contract.
 * Kept small (ViT, 64 calibration and 100 validation images, two candidates): tens of seconds on
 * an idle machine; the generous timeouts are for a loaded one.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/main.js';
import { runSearch, type RunSearchOptions, type RunSearchResult } from '../../src-main/engine/search/runSearch.js';

const MODEL = '/work/shared/models/fmnist_vit.onnx';
const DATA = '/usr/share/datasets/fashion-mnist';
const available = existsSync(MODEL) && existsSync(`${DATA}/t10k-images-idx3-ubyte.gz`);

const options: RunSearchOptions = {
  model: MODEL,
  data: `fmnist:${DATA}:test`,
  calib: `fmnist:${DATA}:train`,
  preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353] },
  method: 'genetic',
  candidates: 'W8A8,W3A8',
  cost: 'size',
  seed: 5,
  calibrationSamples: 64,
  phase1Samples: 16,
  validationSamples: 100,
  baselines: 'W8A8,W4A8',
  genetic: { generations: 20, population: 16 },
};

/** The result without wall-clock fields. */
function stable(result: RunSearchResult): unknown {
  const { seconds: _s, roundingSeconds: _r, sensitivity, ...rest } = result;
  return { ...rest, sensitivity: sensitivity && { ...sensitivity, table: { ...sensitivity.table, seconds: 0 } } };
}

describe.skipIf(!available)('search on a reference model', () => {
  it('gives identical results when run twice with the same seed', async () => {
    const a = await runSearch(options);
    const b = await runSearch(options);
    expect(stable(b)).toEqual(stable(a));
    expect(a.front.length).toBeGreaterThan(0);
    expect(a.front.every((e) => e.evaluated && e.accuracy !== null)).toBe(true);
    // Calibration (train) and validation (test) are different files: disjoint by construction.
    expect(a.data.calibration.name).toContain('train');
    expect(a.data.validation.name).toContain('test');
  }, 900_000);

  it('bitbench search --json prints the front, the chosen point, the baselines and the counts', async () => {
    let out = '';
    let err = '';
    const code = await runCli(
      ['--json', 'search', MODEL, '--data', `fmnist:${DATA}:test`, '--calib', `fmnist:${DATA}:train`, '--mean', '0.286', '--std', '0.353', '--method', 'pareto', '--candidates', 'W8A8,W4A8', '--cost', 'bops', '--max-drop', '1.0', '--calib-samples', '64', '--phase1-samples', '16', '--val-samples', '100', '--baselines', 'W8A8,W4A8', '--no-progress'],
      { stdout: (s) => (out += s), stderr: (s) => (err += s) },
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(out) as { front: Record<string, unknown>[]; chosen: Record<string, unknown> | null; baselines: Record<string, unknown>[]; evaluations: number; seconds: number; binarySearch: { evaluations: number; bound: number } };
    for (const entry of result.front) expect(Object.keys(entry)).toEqual(expect.arrayContaining(['cost', 'accuracy', 'sqnrDb', 'bops', 'sizeBytes', 'config']));
    expect(result.baselines.map((b) => b.bits)).toEqual(['W8A8', 'W4A8']);
    expect(result.baselines[0]).toMatchObject({ cost: expect.any(Number), accuracy: expect.any(Number) });
    expect(result.chosen).not.toBeNull();
    expect(result.evaluations).toBeGreaterThan(0);
    expect(result.binarySearch.evaluations).toBeLessThanOrEqual(result.binarySearch.bound);
  }, 900_000);

  it('refuses a bad candidate list and an unknown method with clear messages', async () => {
    let err = '';
    const io = { stdout: () => undefined, stderr: (s: string) => (err += s) };
    expect(await runCli(['search', MODEL, '--data', `fmnist:${DATA}:test`, '--method', 'annealing'], io)).toBe(2);
    expect(err).toContain('choose one of pareto, msq, genetic, fixed');
    err = '';
    expect(await runCli(['search', MODEL, '--data', `fmnist:${DATA}:test`, '--candidates', 'W8A8,W9Q'], io)).toBe(1);
    expect(err).toContain('"W9Q" is not a bit-width candidate');
  });
});
