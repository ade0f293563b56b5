/**
 * Quality benchmark of the mixed-precision searches on the three reference models (issue 4). Prints:
 *   - at the cost (BOPs, and separately size) of fixed W4A8 and of fixed W4A4, the Pareto-greedy
 *     mixed configuration's validation accuracy next to the fixed one, and genetic and MSQ there;
 *   - Kendall tau between the SQNR-based and the accuracy-based phase-1 rankings;
 *   - the binary search's full evaluations against its bound ceil(log2(points)) + 1;
 *   - phase-1 wall time as a ratio to (its evaluations x one full validation evaluation), and the
 *     rank agreement of the reduced-sample phase 1 with one on all calibration images;
 *   - the fronts of every method on the same axes;
 *   - AdaRound vs nearest at W4A8/W3A8, and GPTQ's accuracy and time against AdaRound.
 * Everything is measured in this run on this machine; times are printed as ratios.
 *
 * Run: `npm run bench:quality` or `node --import tsx bench/quality.ts [--models resnet20,vit]
 * [--val 2000] [--only search|rounding] [--json out.json] [--cache DIR] [--no-agreement] [--rounding-repeats 3]`.
 * With --cache, every evaluation is appended to DIR/<model>.jsonl as it finishes and an interrupted
 * run picks up where it stopped (the search's own resume mechanism).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { roundingQuality, type RoundingReport } from './quality/roundingQuality.js';
import { CANDIDATES, MSQ_SAMPLES, PHASE1, searchQuality, type SearchReport } from './quality/searchQuality.js';
import { CALIB, openBenchModel, pct } from './quality/setup.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const MODELS = (flag('models') ?? 'resnet20,mobilenetv2,vit').split(',');
const VAL = Number(flag("val") ?? 10000);
const ONLY = flag('only');
const CACHE = flag('cache');
const AGREEMENT = !args.includes('--no-agreement');
// The engine's defaults for applyRounding (256 calibration images, 1000 AdaRound steps); the
// timing of AdaRound and GPTQ is repeated --rounding-repeats times (default 1).
const ROUNDING = { calibrationSamples: 256, iterations: 1000, repeats: Number(flag('rounding-repeats') ?? 1) };

const log = (text: string): void => void process.stdout.write(text + '\n');
const note = (text: string): void => void process.stderr.write(text + '\n');

function printSearch(reports: SearchReport[]): void {
  log(`\nSearch quality: validation = Fashion-MNIST test[0:${VAL}] (10000 = the whole test split), calibration = ${CALIB} shuffled train images (disjoint); phase 1 on ${PHASE1} of them, MSQ estimates on ${MSQ_SAMPLES}.`);
  log(`Candidates ${CANDIDATES}. Accuracy in %. greedy = the front's first point within the fixed cost; mixed = the search's pick at that cost (best of the first front points within it by calibration SQNR, then measured exchanges; validation untouched); its cost is <= the fixed cost. cal SQNR = calibration SQNR of the starting point -> the pick (exchanges kept).`);
  log('MSQ runs once to the size of fixed W4 (its algorithm targets size); "-" = its sequence never gets within that BOPs budget.');
  log('\n== Mixed vs fixed at the same cost ==');
  log('model        cost  at     fixed  greedy   mixed  genetic    msq  mixed-fixed  cal SQNR dB        mixed config');
  for (const r of reports) {
    for (const row of r.rows) {
      const delta = row.mixed !== null && row.fixed !== null ? (100 * (row.mixed - row.fixed)).toFixed(2) : '-';
      log(`${r.model.padEnd(12)} ${row.cost.padEnd(5)} ${row.at.padEnd(5)} ${pct(row.fixed)}  ${pct(row.greedy)}  ${pct(row.mixed)}  ${pct(row.genetic)}  ${pct(row.msq)}  ${delta.padStart(11)}  ${(row.pick ? `${row.pick.startSqnrDb.toFixed(2)}->${row.pick.sqnrDb.toFixed(2)} (${row.pick.exchanges})` : '-').padEnd(17)} ${row.config}`);
    }
  }
  log('\n== Phase 1 ==');
  log(`Phase 1 measures ${PHASE1} calibration images per evaluation; one full evaluation = ${VAL} validation images. Times are the recorded seconds of each evaluation (machine shared and loaded).`);
  log('Phase 1 reuses the unchanged prefix of the network (computed once, only the suffix run per evaluation) and runs on fewer images, whose ranking agrees with the one on all calibration images (last column). The ratio with and without prefix reuse on the same images: npm run bench:phase1.');
  log('model        Kendall tau SQNR vs acc  evaluations  phase-1 / (evaluations x one full evaluation)  rank agreement vs all calibration images');
  for (const r of reports) log(`${r.model.padEnd(12)} ${(r.kendallTau?.toFixed(3) ?? '-').padStart(23)}  ${String(r.phase1.evaluations).padStart(11)}  ${`${r.phase1.ratio.toFixed(3)} (${r.phase1.seconds.toFixed(0)} s / (${r.phase1.evaluations} x ${r.phase1.fullEvalSeconds.toFixed(2)} s))`.padStart(45)}  ${r.phase1.agreement?.toFixed(3) ?? '-'}`);
  log('\n== Binary search along the Pareto-greedy front (max drop 1.0 point from FP32) ==');
  log('model        cost  points  evaluations  bound  within  chosen acc  chosen cost');
  for (const r of reports) for (const b of r.binarySearch) log(`${r.model.padEnd(12)} ${b.cost.padEnd(5)} ${String(b.points).padStart(6)}  ${String(b.evaluations).padStart(11)}  ${String(b.bound).padStart(5)}  ${(b.evaluations <= b.bound ? 'yes' : 'NO').padStart(6)}  ${pct(b.chosen).padStart(10)}  ${b.chosenCost?.toPrecision(4) ?? '-'}`);
  log('\n== Fronts on the same axes: (cost, validation accuracy %) of evaluated points ==');
  for (const r of reports) for (const f of r.fronts) log(`${r.model.padEnd(12)} ${f.cost.padEnd(5)} ${f.method.padEnd(8)} ${f.points.map((p) => `(${p.cost.toPrecision(3)}, ${pct(p.accuracy).trim()})`).join(' ')}`);
  log(`\nSearch wall time per model: ${reports.map((r) => `${r.model} ${r.seconds.toFixed(0)} s`).join(', ')}; FP32 accuracy: ${reports.map((r) => `${r.model} ${pct(r.fp32).trim()}`).join(', ')}.`);
}

function printRounding(reports: RoundingReport[]): void {
  log(`\n== Rounding at fixed precision (validation accuracy %; ${ROUNDING.calibrationSamples} calibration images, AdaRound ${ROUNDING.iterations} steps) ==`);
  log(`Times: whole applyRounding (Gram pass + rounding + error report), in parentheses the rounding itself; seconds of the last of ${ROUNDING.repeats} timed run(s) of each, the ratio over all (min-max).`);
  log('model        W4A8 nearest  adaround    gptq   W3A8 nearest  adaround    gptq   GPTQ-AdaRound W4/W3   GPTQ time / AdaRound time   AdaRound s        GPTQ s');
  for (const r of reports) {
    const a = r.accuracy;
    const gap = (w: '4' | '3') => (a.gptq[w] !== null && a.adaround[w] !== null ? (100 * (a.gptq[w]! - a.adaround[w]!)).toFixed(2) : '-');
    log(`${r.model.padEnd(12)} ${pct(a.nearest[4]).padStart(12)}  ${pct(a.adaround[4]).padStart(8)}  ${pct(a.gptq[4])}   ${pct(a.nearest[3]).padStart(12)}  ${pct(a.adaround[3]).padStart(8)}  ${pct(a.gptq[3])}   ${`${gap('4')} / ${gap('3')}`.padStart(19)}   ${(r.ratios.length > 1 ? `${Math.min(...r.ratios).toFixed(3)}-${Math.max(...r.ratios).toFixed(3)}` : r.ratios[0].toFixed(3)).padStart(25)}   ${`${r.seconds.adaround.toFixed(1)} (${r.roundingSeconds.adaround.toFixed(1)})`.padStart(13)}  ${`${r.seconds.gptq.toFixed(2)} (${r.roundingSeconds.gptq.toFixed(2)})`.padStart(12)}`);
  }
}

const searchReports: SearchReport[] = [];
const roundingReports: RoundingReport[] = [];
const out = flag('json');
if (CACHE) mkdirSync(CACHE, { recursive: true });
for (const name of MODELS) {
  note(`benchmarking ${name} ...`);
  const model = await openBenchModel(name, VAL);
  if (ONLY !== 'rounding') searchReports.push(await searchQuality(model, note, CACHE ? `${CACHE}/${name}.jsonl` : undefined, AGREEMENT));
  if (ONLY !== 'search') roundingReports.push(await roundingQuality(model, ROUNDING));
  await model.simulator.dispose();
  // Partial results are kept as each model finishes.
  if (out) writeFileSync(out, JSON.stringify({ search: searchReports, rounding: roundingReports }, null, 2));
}
if (searchReports.length) printSearch(searchReports);
if (roundingReports.length) printRounding(roundingReports);
