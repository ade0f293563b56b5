/**
 * Phase-1 benchmark (issue 4): the wall time of Pareto-greedy's phase 1 as a ratio to
 * (its evaluations x one evaluation), with and without prefix reuse, at the SAME number of
 * calibration images, on each reference model, in one run. "One evaluation" is the median wall time
 * of one phase-1 evaluation run whole (a new configuration's QDQ session built and run on those
 * images), measured in the run without reuse; so that run's ratio is about 1 by construction and
 * the run with reuse shows what reuse saves. The two sensitivity tables must be identical (prefix
 * reuse computes the same numbers); the benchmark fails otherwise. Runs alternate (without, with,
 * without, with, ...) so load from other processes hits both alike; CPU-time ratios are printed too.
 *
 *   node --import tsx bench/phase1.ts [--models resnet20,mobilenetv2,vit] [--images 256]
 *     [--candidates W8A8,W6A8,W8A4,W4A8,W4A4,W3A8,W3A4,W2A4] [--repeats 1] [--memory-mb 256]
 */
import { parseArgs } from 'node:util';
import type { Dataset } from '../src-main/engine/data/dataset.js';
import { openDataset } from '../src-main/engine/data/open.js';
import { shuffledSubset } from '../src-main/engine/data/subset.js';
import { parseCandidates, sortCandidates } from '../src-main/engine/search/candidates.js';
import { EvaluationLedger } from '../src-main/engine/search/evaluationLedger.js';
import { ProgressTracker } from '../src-main/engine/search/progress.js';
import { measureSensitivity, type SensitivityTable } from '../src-main/engine/search/sensitivity.js';
import { SimulatorEvaluator } from '../src-main/engine/search/simulatorEvaluator.js';
import { QuantSimulator } from '../src-main/engine/simulate/simulator.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'resnet20,mobilenetv2,vit' },
    images: { type: 'string', default: '256' },
    candidates: { type: 'string', default: 'W8A8,W6A8,W8A4,W4A8,W4A4,W3A8,W3A4,W2A4' },
    repeats: { type: 'string', default: '1' },
    'memory-mb': { type: 'string', default: '256' },
    threads: { type: 'string', default: '2' },
  },
});
const IMAGES = Number(values.images);
const CALIB = Math.max(512, IMAGES);
const candidates = sortCandidates(parseCandidates(values.candidates!));
const pre = { scale: 1 / 255, mean: [0.286], std: [0.353] };
const log = (text: string): void => void process.stdout.write(text + '\n');
const note = (text: string): void => void process.stderr.write(text + '\n');

interface Side {
  wall: number;
  cpu: number;
  evaluations: number;
  perEvaluation: number[];
  table: SensitivityTable;
}

async function phase1(evaluator: SimulatorEvaluator, reuse: boolean): Promise<Side> {
  const perEvaluation: number[] = [];
  const ledger = new EvaluationLedger(evaluator, { onEvaluation: (r) => perEvaluation.push(r.seconds) });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const table = await measureSensitivity(evaluator.info, ledger, { candidates, limit: IMAGES, extras: { rounding: 'nearest' }, prefixReuse: reuse }, new ProgressTracker(undefined, () => 0));
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6, evaluations: table.evaluations, perEvaluation, table };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sameTable = (a: SensitivityTable, b: SensitivityTable): boolean => JSON.stringify({ ...a, seconds: 0, reuse: null }) === JSON.stringify({ ...b, seconds: 0, reuse: null });

const train = await openDataset('fmnist:/usr/share/datasets/fashion-mnist:train', pre);
const calibration: Dataset = shuffledSubset(train, 0, 0, CALIB);
const rows: string[] = [];
let mismatch = false;
for (const name of values.models!.split(',')) {
  note(`phase 1 on ${name} (${IMAGES} images, ${candidates.length} candidates) ...`);
  const simulator = await QuantSimulator.create(`/work/shared/models/fmnist_${name}.onnx`, { calibration, calibrationLimit: CALIB, threads: Number(values.threads) });
  const evaluator = new SimulatorEvaluator(simulator, { calibration, validation: calibration }, undefined, Number(values.threads), Number(values['memory-mb']) * 1024 * 1024);
  await simulator.referenceOutputs(calibration, 0, IMAGES); // shared by both sides, paid before either
  const without: Side[] = [];
  const withReuse: Side[] = [];
  for (let r = 0; r < Number(values.repeats); r++) {
    without.push(await phase1(evaluator, false));
    withReuse.push(await phase1(evaluator, true));
  }
  for (const side of withReuse) if (!sameTable(side.table, without[0].table)) mismatch = true;
  const one = median(without.flatMap((s) => s.perEvaluation));
  const oneCpu = without.reduce((s, x) => s + x.cpu, 0) / without.reduce((s, x) => s + x.evaluations, 0);
  const ratio = (sides: Side[], key: 'wall' | 'cpu', unit: number): number => sides.reduce((s, x) => s + x[key], 0) / sides.reduce((s, x) => s + x.evaluations * unit, 0);
  const stats = withReuse[0].table.reuse;
  rows.push(
    `${name.padEnd(12)} ${String(IMAGES).padStart(6)} ${String(without[0].evaluations).padStart(11)}  ${one.toFixed(3).padStart(8)} s  ${ratio(without, 'wall', one).toFixed(3).padStart(13)}  ${ratio(withReuse, 'wall', one).toFixed(3).padStart(10)}  ${(ratio(withReuse, 'wall', one) / ratio(without, 'wall', one)).toFixed(3).padStart(15)}  ${(ratio(withReuse, 'cpu', oneCpu) / ratio(without, 'cpu', oneCpu)).toFixed(3).padStart(14)}  ${stats ? `${stats.reused}/${stats.whole}/${stats.passes}/${(stats.peakBytes / 2 ** 20).toFixed(1)}` : '-'}`.padEnd(10) +
      `  ${withReuse.every((s) => sameTable(s.table, without[0].table)) ? 'yes' : 'NO'}`,
  );
  await simulator.dispose();
}
log(`\nPhase 1 of Pareto-greedy, candidates ${candidates.map((c) => `W${c.w ?? 32}A${c.a ?? 32}`).join(',')}, ${IMAGES} calibration images on both sides, ${values.repeats} alternating repeat(s), ${values.threads} onnxruntime threads.`);
log('ratio = phase-1 wall time / (evaluations x one evaluation); one evaluation = median wall time of one phase-1 evaluation run whole (same images).');
log('with/without = phase-1 time with reuse / without (wall, and CPU seconds of this process: steadier on a loaded machine).');
log('reuse stats = evaluations run as suffixes (or identical to the top) / run whole / prefix passes / peak kept MiB.');
log('model        images  evaluations  one evaluation  ratio without  ratio with  wall with/without  CPU with/without  reuse stats      identical');
for (const row of rows) log(row);
if (mismatch) {
  log('\nPrefix reuse changed a phase-1 number: that is a bug.');
  process.exitCode = 1;
}
