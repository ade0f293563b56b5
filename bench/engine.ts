/**
 * Engine benchmark: how much slower is simulating a configuration than running the FP32 model on
 * the same batches, and how much does switching to a new configuration cost compared with one
 * evaluation. Everything is measured in this one run, interleaved (FP32, config, FP32, ...) so that
 * load from other processes hits both sides alike; only ratios are printed as results. This
 * machine's speed jumps by up to 2x between seconds (a shared VM), so besides the median of the
 * paired ratios the bench prints best/best: the fastest of the repeats of each side, the figure
 * least moved by load that is not ours (use --repeats 5 or more for it).
 *
 *   npm run bench:engine [-- --samples 5000 --repeats 2 --models fmnist_resnet20,fmnist_vit]
 */
import { parseArgs } from 'node:util';
import { openDataset } from '../src-main/engine/data/open.js';
import { QuantSimulator, uniformConfig } from '../src-main/engine/index.js';
import type { QuantConfig } from '../src-main/api/quant.js';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

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

/**
 * Wall and CPU seconds of one evaluation. CPU time (this process, onnxruntime's threads included)
 * is the steadier figure on a machine shared with other work; both ratios are printed.
 */
async function timed(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

/** A deterministic mixed configuration: group i gets candidate (i + seed) mod k. */
function mixed(sim: QuantSimulator, seed: number, candidates: Array<{ w: number | null; a: number | null }>): QuantConfig {
  return { groups: Object.fromEntries(sim.info.groups.map((g, i) => [g.id, candidates[(i * 7 + seed) % candidates.length]])) };
}

/**
 * A pseudo-random mixed configuration, different for every seed (the `mixed` pattern repeats
 * every `candidates.length` seeds, and a repeated configuration is a session-cache hit, not a switch).
 */
function scrambled(sim: QuantSimulator, seed: number, candidates: Array<{ w: number | null; a: number | null }>): QuantConfig {
  let x = (seed * 2654435761) >>> 0;
  const next = (): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 8;
  };
  return { groups: Object.fromEntries(sim.info.groups.map((g) => [g.id, candidates[next() % candidates.length]])) };
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
  console.log('  configuration          sim/FP32 wall   sim/FP32 CPU   best/best wall   (FP32 s, sim s: wall medians)');
  const ratios: number[] = [];
  const best: number[] = [];
  for (const [label, config] of configs) {
    await sim.evaluate(config, test, { limit: samples }); // build + warm the session
    const fp: Array<{ wall: number; cpu: number }> = [];
    const q: Array<{ wall: number; cpu: number }> = [];
    for (let r = 0; r < repeats; r++) {
      fp.push(await timed(() => sim.evaluate({ groups: {} }, test, { limit: samples })));
      q.push(await timed(() => sim.evaluate(config, test, { limit: samples })));
    }
    const ratio = median(q.map((t, i) => t.wall / fp[i].wall));
    const cpuRatio = median(q.map((t, i) => t.cpu / fp[i].cpu));
    const bestRatio = Math.min(...q.map((t) => t.wall)) / Math.min(...fp.map((t) => t.wall));
    ratios.push(cpuRatio);
    best.push(bestRatio);
    console.log(`  ${label.padEnd(22)} ${ratio.toFixed(2).padStart(6)}x         ${cpuRatio.toFixed(2).padStart(6)}x       ${bestRatio.toFixed(2).padStart(6)}x        (${median(fp.map((t) => t.wall)).toFixed(3)}, ${median(q.map((t) => t.wall)).toFixed(3)})`);
  }
  // Switching: new mixed configurations whose bit-widths were all seen before (the search case).
  const candidates = [{ w: 8, a: 8 }, { w: 4, a: 8 }, { w: 6, a: 6 }, { w: 2, a: 4 }, { w: 8, a: 16 }];
  // A search has quantized every layer at every candidate width during its sensitivity phase;
  // the steady-state switch is what is measured (per-(layer, bits) weights and ranges are cached).
  for (const c of candidates) sim.plan(uniformConfig(sim.info, c));
  const switches: Array<{ wall: number; cpu: number }> = [];
  const evals: Array<{ wall: number; cpu: number }> = [];
  for (let seed = 1; seed <= repeats + 2; seed++) {
    const config = scrambled(sim, seed, candidates);
    switches.push(await timed(() => sim.prepare(config)));
    evals.push(await timed(() => sim.evaluate(config, test, { limit: samples })));
  }
  const switchRatio = median(switches.map((s, i) => s.wall / evals[i].wall));
  const switchCpu = median(switches.map((s, i) => s.cpu / evals[i].cpu));
  const switchBest = Math.min(...switches.map((t) => t.wall)) / Math.min(...evals.map((t) => t.wall));
  console.log(`  config switch (plan + QDQ graph + session) / one evaluation: wall ${switchRatio.toFixed(3)}, CPU ${switchCpu.toFixed(3)}, best/best ${switchBest.toFixed(3)}  (${median(switches.map((t) => t.wall)).toFixed(3)} s vs ${median(evals.map((t) => t.wall)).toFixed(3)} s wall)`);
  // The floor under any switch that builds a session: building the FP32 model's own session.
  const bytes = readFileSync(`/work/shared/models/${name}.onnx`);
  const builds: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: Number(values.threads) });
    builds.push((performance.now() - t0) / 1000);
    await session.release();
  }
  const fpEval = await timed(() => sim.evaluate({ groups: {} }, test, { limit: samples }));
  console.log(`  for scale: building the FP32 model's own session / one FP32 evaluation: ${(median(builds) / fpEval.wall).toFixed(3)}  (${median(builds).toFixed(3)} s vs ${fpEval.wall.toFixed(3)} s wall)`);
  console.log(`  summary (CPU): <=8-bit median ${median(ratios.slice(0, 4)).toFixed(2)}x, with >8-bit median ${median(ratios.slice(4)).toFixed(2)}x, switch ${switchCpu.toFixed(3)}`);
  console.log(`  summary (best/best wall): <=8-bit worst ${Math.max(...best.slice(0, 4)).toFixed(2)}x, >8-bit worst ${Math.max(...best.slice(4)).toFixed(2)}x, switch ${switchBest.toFixed(3)}`);
  await sim.dispose();
}
