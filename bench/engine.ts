/**
 * Engine benchmark: how much slower is simulating a configuration than running the FP32 model on
 * the same batches, and how much does switching to a new configuration cost compared with one
 * evaluation. Everything is measured in this one run, interleaved (FP32, config, FP32, ...) so that
 * load from other processes hits both sides alike; only ratios are printed as results.
 *
 *   npm run bench:engine [-- --samples 5000 --repeats 2 --models fmnist_resnet20,fmnist_vit]
 */
import { parseArgs } from 'node:util';
import { openDataset } from '../src-main/engine/data/open.js';
import { QuantSimulator, uniformConfig } from '../src-main/engine/index.js';
import type { QuantConfig } from '../src-main/api/quant.js';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '5000' },
    repeats: { type: 'string', default: '2' },
    models: { type: 'string', default: 'fmnist_resnet20,fmnist_mobilenetv2,fmnist_vit' },
    threads: { type: 'string', default: '2' },
  },
});
const samples = Number(values.samples);
const repeats = Number(values.repeats);
const pre = { mean: [0.286], std: [0.353] };
const test = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:test', pre);
const train = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:train', pre);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A deterministic mixed configuration: group i gets candidate (i + seed) mod k. */
function mixed(sim: QuantSimulator, seed: number, candidates: Array<{ w: number | null; a: number | null }>): QuantConfig {
  return { groups: Object.fromEntries(sim.info.groups.map((g, i) => [g.id, candidates[(i * 7 + seed) % candidates.length]])) };
}

console.log(`engine benchmark: ${samples} Fashion-MNIST test images, ${repeats} interleaved repeats, ${values.threads} threads, onnxruntime CPU`);
for (const name of values.models!.split(',')) {
  const sim = await QuantSimulator.create(`/work/shared/models/${name}.onnx`, { calibration: train, calibrationLimit: 512, threads: Number(values.threads) });
  const configs: Array<[string, QuantConfig]> = [
    ['W8A8', uniformConfig(sim.info, { w: 8, a: 8 })],
    ['W4A8', uniformConfig(sim.info, { w: 4, a: 8 })],
    ['W4A4', uniformConfig(sim.info, { w: 4, a: 4 })],
    ['mixed <=8 bit', mixed(sim, 0, [{ w: 8, a: 8 }, { w: 4, a: 8 }, { w: 6, a: 6 }, { w: 2, a: 4 }])],
    ['W8A16', uniformConfig(sim.info, { w: 8, a: 16 })],
    ['W16A16', uniformConfig(sim.info, { w: 16, a: 16 })],
    ['mixed with 16 bit', mixed(sim, 0, [{ w: 8, a: 8 }, { w: 8, a: 16 }, { w: 4, a: 8 }])],
  ];
  console.log(`\n${name}  (${sim.info.layers.length} layers, ${sim.info.groups.length} groups)`);
  console.log('  configuration          sim/FP32   (FP32 s, sim s: medians)');
  const ratios: number[] = [];
  for (const [label, config] of configs) {
    await sim.evaluate(config, test, { limit: samples }); // build + warm the session
    const fp: number[] = [];
    const q: number[] = [];
    for (let r = 0; r < repeats; r++) {
      fp.push((await sim.evaluate({ groups: {} }, test, { limit: samples })).seconds);
      q.push((await sim.evaluate(config, test, { limit: samples })).seconds);
    }
    const ratio = median(q.map((t, i) => t / fp[i]));
    ratios.push(ratio);
    console.log(`  ${label.padEnd(22)} ${ratio.toFixed(2).padStart(6)}x    (${median(fp).toFixed(3)}, ${median(q).toFixed(3)})`);
  }
  // Switching: new mixed configurations whose bit-widths were all seen before (the search case).
  const candidates = [{ w: 8, a: 8 }, { w: 4, a: 8 }, { w: 6, a: 6 }, { w: 2, a: 4 }, { w: 8, a: 16 }];
  const switches: number[] = [];
  const evals: number[] = [];
  for (let seed = 1; seed <= repeats + 2; seed++) {
    const config = mixed(sim, seed, candidates);
    const t0 = performance.now();
    await sim.prepare(config);
    switches.push((performance.now() - t0) / 1000);
    evals.push((await sim.evaluate(config, test, { limit: samples })).seconds);
  }
  const switchRatio = median(switches.map((s, i) => s / evals[i]));
  console.log(`  config switch (plan + QDQ graph + session) / one evaluation: ${switchRatio.toFixed(3)}  (${median(switches).toFixed(3)} s vs ${median(evals).toFixed(3)} s)`);
  console.log(`  summary: <=8-bit median ${median(ratios.slice(0, 4)).toFixed(2)}x, with >8-bit median ${median(ratios.slice(4)).toFixed(2)}x, switch ${switchRatio.toFixed(3)}`);
  await sim.dispose();
}
