/**
 * Export formats benchmark on the ViT reference model: what INT4 weights (opset 21) and FP16 float
 * layers change in file size, accuracy (plain onnxruntime vs the simulator, 10k test images) and
 * onnxruntime CPU latency. Latency pairs are measured in this one run, interleaved batch by batch
 * (baseline, variant, baseline, ...) so that load from other processes hits both alike; only ratios
 * are printed as results.
 *
 *   npm run bench:formats [-- --samples 10000 --repeats 3 --threads 2]
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import type { QuantConfig } from '../src-main/api/quant.js';
import { openDataset } from '../src-main/engine/data/open.js';
import type { ExportFormatOptions } from '../src-main/engine/export/format.js';
import { countCorrect } from '../src-main/engine/evaluate/metrics.js';
import { QuantSimulator, uniformConfig } from '../src-main/engine/index.js';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '10000' }, repeats: { type: 'string', default: '3' }, threads: { type: 'string', default: '2' } } });
const samples = Number(values.samples);
const repeats = Number(values.repeats);
const threads = Number(values.threads);
const pre = { mean: [0.286], std: [0.353] };
const test = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:test', pre);
const train = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:train', pre);
const model = '/work/shared/models/fmnist_vit.onnx';
const dir = mkdtempSync(join(tmpdir(), 'bitbench-formats-bench-'));

interface Variant {
  label: string;
  path: string;
  bytes: number;
  simulated: number;
}

async function exportVariant(label: string, format: ExportFormatOptions, configOf: (sim: QuantSimulator) => QuantConfig): Promise<Variant> {
  const sim = await QuantSimulator.create(model, { calibration: train, calibrationLimit: 512, threads, format });
  try {
    const config = configOf(sim);
    const path = join(dir, `${label}.onnx`);
    await sim.exportQdq(config, path);
    const simulated = (await sim.evaluate(config, test, { limit: samples })).accuracy!;
    return { label, path, bytes: statSync(path).size, simulated };
  } finally {
    await sim.dispose();
  }
}

/**
 * Accuracy of both files in plain onnxruntime (first pass) and their latency ratio over `repeats`
 * passes, interleaved batch by batch, after one warm-up batch each.
 */
async function sideBySide(base: Variant, variant: Variant): Promise<void> {
  const sessions = await Promise.all([base, variant].map((v) => ort.InferenceSession.create(v.path, { intraOpNumThreads: threads })));
  const seconds = [0, 0];
  const correct = [0, 0];
  let warm = false;
  for (let pass = 0; pass < repeats; pass++) {
    for await (const batch of test.batches({ batchSize: 500, count: samples })) {
      const input = new ort.Tensor('float32', batch.input, batch.dims);
      if (!warm) for (const s of sessions) await s.run({ input });
      warm = true;
      for (const i of [0, 1]) {
        const t0 = performance.now();
        const out = await sessions[i].run({ input });
        seconds[i] += (performance.now() - t0) / 1000;
        if (pass === 0) correct[i] += countCorrect(out.logits.data as Float32Array, batch.labels!);
      }
    }
  }
  for (const s of sessions) await s.release();
  for (const [i, v] of [base, variant].entries()) {
    console.log(`  ${v.label.padEnd(26)} ${String(v.bytes).padStart(8)} B  simulated ${(100 * v.simulated).toFixed(2)}%  plain onnxruntime ${(100 * correct[i] / samples).toFixed(2)}%`);
  }
  console.log(`  ${variant.label} / ${base.label}: file size ${(variant.bytes / base.bytes).toFixed(3)}x, onnxruntime time ${(seconds[1] / seconds[0]).toFixed(2)}x (${repeats} x ${samples} images, ${threads} threads)`);
}

const w4a8 = (sim: QuantSimulator): QuantConfig => uniformConfig(sim.info, { w: 4, a: 8 });
console.log('ViT W4A8: INT8 storage (opset 17) vs INT4 storage (opset 21)');
await sideBySide(await exportVariant('w4a8-int8-opset17', {}, w4a8), await exportVariant('w4a8-int4-opset21', { opset: 21 }, w4a8));

// the first half of the groups left in float, the rest W8A8
const mixed = (sim: QuantSimulator): QuantConfig => {
  const half = Math.floor(sim.info.groups.length / 2);
  return { groups: Object.fromEntries(sim.info.groups.slice(half).map((g) => [g.id, { w: 8, a: 8 }])) };
};
console.log('ViT half float / half W8A8: FP32 vs FP16 float layers');
await sideBySide(await exportVariant('mixed-float-fp32', {}, mixed), await exportVariant('mixed-float-fp16', { float: 'fp16' }, mixed));
