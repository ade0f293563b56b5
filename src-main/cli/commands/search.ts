/**
 * `bitbench search MODEL --data SPEC ...`: runs one mixed-precision search (Pareto-greedy, MSQ,
 * genetic, or fixed baselines only) and prints the front, the chosen configuration and the fixed
 * baselines. Progress goes to stderr; Ctrl-C cancels cleanly.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { BitbenchError, formatBitPair, SearchRequest, type QuantConfig } from '../../api/index.js';
import { runSearch, type RunSearchResult } from '../../engine/search/runSearch.js';
import type { SearchProgress } from '../../engine/search/types.js';
import { resolve } from 'node:path';
import { startSearch } from '../../jobs/studio/studioHandlers.js';
import type { CliContext } from '../context.js';
import { followRun } from '../followRun.js';
import { addPreprocessOptions, preprocessFromOptions, type PreprocessFlags } from '../dataOptions.js';
import { addFormatOptions, formatFrom, type FormatFlags } from './evaluate.js';

interface SearchFlags extends PreprocessFlags, FormatFlags {
  data: string;
  calib?: string;
  method: 'pareto' | 'msq' | 'genetic' | 'fixed';
  candidates: string;
  cost: 'bops' | 'size' | 'latency';
  latencyTable?: string;
  device?: string;
  maxDrop: number;
  rounding: 'nearest' | 'adaround' | 'gptq';
  seed: number;
  baselines?: string;
  calibSamples: number;
  phase1Samples: number;
  valSamples?: number;
  progress: boolean;
}

function choice<T extends string>(allowed: readonly T[]): (text: string) => T {
  return (text) => {
    const t = text.trim().toLowerCase() as T;
    if (!allowed.includes(t)) throw new InvalidArgumentError(`choose one of ${allowed.join(', ')}.`);
    return t;
  };
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number of at least 1.');
  return n;
}

function nonNegative(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('give a number of at least 0, e.g. 1.0.');
  return n;
}

function integer(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('give a whole number.');
  return n;
}

export function registerSearchCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('search')
    .description('find mixed-precision configurations (Pareto front) and compare them with fixed precision')
    .argument('<model>', 'the .onnx model')
    .requiredOption('--data <spec>', 'labelled validation data: fmnist:DIR[:train|test], images:DIR, npy:FILE[:LABELS.npy]')
    .option('--calib <spec>', 'calibration data (default: hold out --calib-samples shuffled samples of --data)')
    .option('--method <method>', 'pareto, msq, genetic or fixed', choice(['pareto', 'msq', 'genetic', 'fixed'] as const), 'pareto')
    .option('--candidates <list>', 'bit-width candidates per quantizer group', 'W4A8,W8A8,W8A16')
    .option('--cost <metric>', 'efficiency metric: bops, size or latency', choice(['bops', 'size', 'latency'] as const), 'bops')
    .option('--latency-table <file>', 'per-layer latency table JSON (with --cost latency)')
    .option('--device <name>', 'measure on this device (see `bitbench device list`): with --cost latency the cost is latency measured there, corrected until predicted and measured agree; the choice and the baselines are measured there; the run is kept in the history')
    .option('--max-drop <points>', 'allowed validation accuracy drop from FP32, in percentage points', nonNegative, 1.0)
    .option('--rounding <method>', 'weight rounding: nearest, adaround or gptq', choice(['nearest', 'adaround', 'gptq'] as const), 'nearest')
    .option('--seed <n>', 'seed of the genetic search and of data shuffling', integer, 0)
    .option('--baselines <list>', 'fixed precisions to compare with (default W8A8,W4A8,W4A4 and every candidate)')
    .option('--calib-samples <n>', 'calibration samples (activation ranges, rounding)', count, 512)
    .option('--phase1-samples <n>', 'calibration samples for the sensitivity list', count, 256)
    .option('--val-samples <n>', 'validation samples (default: all)', count)
    .option('--no-progress', 'do not print progress on stderr');
  addFormatOptions(addPreprocessOptions(command)).action(async (model: string, flags: SearchFlags) => {
    if (flags.device !== undefined) return searchOnDevice(ctx, model, flags);
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    let lastLine = 0;
    const onProgress = (p: SearchProgress): void => {
      if (!flags.progress) return;
      const now = Date.now();
      if (now - lastLine < 500 && p.done !== p.total) return;
      lastLine = now;
      const eta = p.etaSeconds === null ? '' : `, ~${Math.round(p.etaSeconds)} s left`;
      ctx.io.stderr(`[${p.phase}] ${p.done}/${p.total} ${p.step} (${p.evaluations} evaluations${eta})\n`);
    };
    try {
      const result = await runSearch(
        {
          model,
          data: flags.data,
          calib: flags.calib,
          preprocess: preprocessFromOptions(flags),
          method: flags.method,
          candidates: flags.candidates,
          cost: flags.cost,
          latencyTable: flags.latencyTable,
          maxDrop: flags.maxDrop,
          rounding: flags.rounding,
          seed: flags.seed,
          baselines: flags.baselines,
          calibrationSamples: flags.calibSamples,
          phase1Samples: flags.phase1Samples,
          validationSamples: flags.valSamples,
          format: formatFrom(flags),
        },
        { onProgress, signal: controller.signal },
      );
      ctx.print(result, () => formatSearchResult(result));
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}

/** "g1=W8A8 g2=W4A8 ..." compressed as counts per candidate, for one line of a table. */
function summarizeConfig(config: QuantConfig): string {
  const counts = new Map<string, number>();
  for (const pair of Object.values(config.groups)) {
    const key = formatBitPair(pair);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}x${k}`).join(' ');
}

function pct(value: number | null): string {
  return value === null ? '     -' : `${(100 * value).toFixed(2)}%`.padStart(7);
}

/** Human-readable summary of a search. */
export function formatSearchResult(r: RunSearchResult): string {
  const lines: string[] = [];
  lines.push(`${r.method} search on ${r.model}, cost ${r.costKind} (${r.costUnit}); validation ${r.data.validation.name} (${r.data.validation.size}), calibration ${r.data.calibration.name} (${r.data.calibration.size})`);
  lines.push(`FP32 accuracy ${pct(r.reference.accuracy)}, allowed drop ${r.reference.maxDropPercent} points -> target ${pct(r.reference.targetAccuracy)}`);
  lines.push('', 'fixed baselines:');
  for (const b of r.baselines) lines.push(`  ${b.bits.padEnd(7)} cost ${b.cost.toPrecision(4).padStart(10)}  accuracy ${pct(b.accuracy)}  SQNR ${b.sqnrDb?.toFixed(1) ?? '-'} dB`);
  lines.push('', `front (${r.front.length} points, ${r.front.filter((e) => e.evaluated).length} evaluated):`);
  for (const e of r.front) if (e.evaluated) lines.push(`  cost ${e.cost.toPrecision(4).padStart(10)}  accuracy ${pct(e.accuracy)}  SQNR ${e.sqnrDb?.toFixed(1) ?? '-'} dB  ${summarizeConfig(e.config)}`);
  if (r.atBudgets?.length) {
    lines.push('', 'best mixed configuration at each budget (picked on calibration data; accuracy on validation):');
    for (const c of r.atBudgets) {
      const fixed = c.baseline === null ? undefined : r.baselines.find((b) => b.bits === c.baseline);
      const versus = fixed?.accuracy != null && c.entry.accuracy !== null ? `  vs fixed ${c.baseline} ${pct(fixed.accuracy)} (${c.entry.accuracy >= fixed.accuracy ? '+' : ''}${(100 * (c.entry.accuracy - fixed.accuracy)).toFixed(2)} points)` : '';
      lines.push(`  at ${(c.baseline ?? 'budget').padEnd(7)} ${c.budget.toPrecision(4).padStart(10)}: cost ${c.entry.cost.toPrecision(4)}, accuracy ${pct(c.entry.accuracy)}${versus}  ${summarizeConfig(c.entry.config)}`);
    }
  }
  lines.push('');
  if (r.chosen) lines.push(`chosen${r.chosenWithinDrop ? '' : ' (none met the target; most accurate shown)'}: cost ${r.chosen.cost.toPrecision(4)} ${r.costUnit}, accuracy ${pct(r.chosen.accuracy)}, ${summarizeConfig(r.chosen.config)}`);
  if (r.binarySearch) lines.push(`binary search: ${r.binarySearch.evaluations} evaluations for ${r.binarySearch.points} points (bound ${r.binarySearch.bound})`);
  if (r.sensitivity?.kendallTau !== undefined && r.sensitivity.kendallTau !== null) lines.push(`Kendall tau (SQNR vs accuracy ranking of phase 1): ${r.sensitivity.kendallTau.toFixed(3)}`);
  const f = r.format;
  if (f && (f.opset !== f.sourceOpset || f.lowBitWeights === 'int4' || f.float !== 'fp32')) {
    lines.push(`simulated format: opset ${f.opset}, weights <= 4 bits ${f.lowBitWeights}, float layers ${f.float} (export with the same --opset/--w4-storage/--float)`);
  }
  lines.push(`${r.evaluations} evaluations in ${r.seconds.toFixed(1)} s`);
  return lines.join('\n');
}

/**
 * `search --device NAME`: the studio's search job (jobs/executors/studioSearch.ts) run to its end
 * here, so a device-measured search is kept in the history and resumable like any studio run.
 */
async function searchOnDevice(ctx: CliContext, model: string, flags: SearchFlags): Promise<void> {
  if (flags.latencyTable !== undefined) {
    throw new BitbenchError('INVALID_CONFIG', '--latency-table and --device both say where latency comes from.', 'Use --device NAME to measure the table on the device (and correct it), or --latency-table FILE without --device.');
  }
  const backend = ctx.getBackend();
  const request = SearchRequest.parse({
    modelPath: resolve(model),
    data: flags.data,
    ...(flags.calib ? { calib: flags.calib } : {}),
    preprocess: preprocessFromOptions(flags),
    method: flags.method,
    candidates: flags.candidates.split(',').map((c) => c.trim()).filter(Boolean),
    cost: flags.cost,
    device: flags.device,
    maxDrop: flags.maxDrop,
    rounding: flags.rounding,
    seed: flags.seed,
    limit: flags.valSamples ?? null,
    calibLimit: flags.calibSamples,
    ...(flags.baselines ? { baselines: flags.baselines.split(',').map((c) => c.trim()).filter(Boolean) } : {}),
    ...(flags.opset !== undefined || flags.w4Storage !== undefined || flags.float !== undefined ? { format: formatFrom(flags) } : {}),
  });
  const started = await startSearch({ home: backend.home, history: backend.history, lab: backend.lab, reportUrlPrefix: null }, request);
  if (flags.progress && !ctx.json) ctx.io.stderr(`run ${started.runId} on ${flags.device}\n`);
  await followRun(ctx, started.runId);
  const run = backend.history.getRun(started.runId);
  const result = run.result as RunSearchResult & { latencyLoop?: { rounds: Array<{ round: number; observations: Array<{ label: string; predictedMs: number; measuredMs: number }>; error: number; correction: number }> } | null };
  ctx.print({ runId: started.runId, ...result }, () => {
    const lines = [formatSearchResult(result)];
    for (const round of result.latencyLoop?.rounds ?? []) {
      lines.push(`latency round ${round.round}: ${round.observations.map((o) => `${o.label} predicted ${o.predictedMs.toFixed(3)} ms, measured ${o.measuredMs.toFixed(3)} ms`).join('; ')} (mean error ${(round.error * 100).toFixed(1)}%${round.correction !== 1 ? `, table corrected x${round.correction.toFixed(3)}` : ''})`);
    }
    lines.push(`run ${started.runId} is in the history: bitbench runs show ${started.runId}; bitbench report ${started.runId}`);
    return lines.join('\n');
  });
}
