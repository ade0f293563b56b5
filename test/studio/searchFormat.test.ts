/**
 * A studio search in a storage format (opset 21 with INT4 MatMul/Gemm weights, FP16 float layers):
 * the search simulates that graph, the run records the format, the report shows it, and the
 * exported configuration measured on the device is that format (its manifest says so).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SearchRequest } from '../../src-main/api/index.js';
import { createBackend } from '../../src-main/jobs/backend.js';
import { demoSetup } from '../../src-main/jobs/studio/demo.js';
import { MODELS_DIR } from '../engine/fixtures.js';

const VIT = join(MODELS_DIR, 'fmnist_vit.onnx');

describe('studio search with an export format', () => {
  it('simulates, records, reports and exports opset 21 with INT4 weights', async () => {
    const home = mkdtempSync(join(tmpdir(), 'bb-format-'));
    const backend = createBackend({ home, mode: 'cli' });
    try {
      const demo = demoSetup();
      const started = await backend.handlers['search.start'](SearchRequest.parse({
        modelPath: VIT,
        data: demo.data,
        calib: demo.calib,
        preprocess: demo.preprocess,
        method: 'pareto',
        candidates: ['W4A8', 'W8A8'],
        cost: 'size',
        limit: 300,
        calibLimit: 64,
        baselines: ['W4A8'],
        format: { opset: 21, float: 'fp16' },
      }));
      await backend.history.waitFor(started.runId);
      const run = await backend.handlers['runs.get']({ id: started.runId });
      expect(run.error).toBeNull();
      expect(run.status).toBe('done');
      const format = (run.result as { format: { opset: number; sourceOpset: number; lowBitWeights: string; float: string } }).format;
      expect(format).toEqual({ opset: 21, sourceOpset: 17, lowBitWeights: 'int4', float: 'fp16' });
      const report = await backend.handlers['runs.report']({ id: started.runId });
      expect(report!.setup.find((s) => s.label === 'Simulated format')?.value).toContain('opset 21 (upgraded from 17)');
      // The configurations measured on this computer were exported in that format.
      const exports = join(home, 'artifacts');
      const manifests = readdirSync(exports, { recursive: true }).map(String).filter((f) => f.endsWith('.manifest.json'));
      expect(manifests.length).toBeGreaterThan(0);
      for (const m of manifests) {
        const manifest = JSON.parse(readFileSync(join(exports, m), 'utf8')) as { opset: number; storage: string[] };
        expect(manifest.opset).toBe(21);
        expect(manifest.storage).toContain('int4');
      }
    } finally {
      await backend.close();
    }
  }, 600_000);
});
