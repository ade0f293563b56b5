/**
 * `bitbench runs ...`: the history from the terminal. List and show runs, resume an interrupted one
 * (Ctrl+C pauses it again, keeping finished work), compare configurations side by side, and move a
 * run between machines as JSON.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { BitbenchError, type Comparison, type CompareTarget, type RunDetail, type RunSummary } from '../../api/index.js';
import { createBenchmarkRun } from '../../jobs/runFactory.js';
import { exportRunJson, importRunJson } from '../../store/index.js';
import type { CliContext } from '../context.js';

function parseRunId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a run id is a positive whole number (see `bitbench runs list`).');
  return n;
}

/** "12" is run 12's pick(s); "12:7" is configuration 7 as evaluated in run 12. */
function parseTarget(value: string): CompareTarget {
  const m = /^(\d+)(?::(\d+))?$/.exec(value);
  if (!m) throw new InvalidArgumentError(`"${value}" is not RUN or RUN:CONFIGURATION (numbers, e.g. 12 or 12:7).`);
  return m[2] === undefined ? { runId: Number(m[1]) } : { runId: Number(m[1]), configurationId: Number(m[2]) };
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100000) throw new InvalidArgumentError('the limit is a whole number from 1 to 100000.');
  return n;
}

const fmt = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined ? '-' : v.toFixed(digits));

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

function formatList(runs: RunSummary[]): string {
  if (runs.length === 0) return 'No runs yet.';
  return table([['ID', 'KIND', 'STATUS', 'MODEL', 'DEVICE', 'METHOD', 'CREATED'], ...runs.map((r) => [String(r.id), r.kind, r.status, r.modelName, r.deviceName, r.method ?? '-', r.createdAt])]);
}

function formatDetail(run: RunDetail): string {
  const lines = [
    `run ${run.id}: ${run.title}`,
    `  ${run.kind} ${run.method ?? ''}, ${run.status}; model ${run.model.name} (${run.model.sha256.slice(0, 12)}), device ${run.device?.name ?? '-'}`,
    `  created ${run.createdAt}, finished ${run.finishedAt ?? '-'}; versions ${Object.entries(run.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  ${run.evaluations.length} evaluations, ${run.measurements.length} measurements, ${run.configurations.length} configurations`,
  ];
  if (run.progress) lines.push(`  last progress: ${run.progress.phase} ${run.progress.done}/${run.progress.total}`);
  if (run.error) lines.push(`  error: ${run.error.message}`);
  return lines.join('\n');
}

function formatComparison(c: Comparison): string {
  const head = `model ${c.model.name}, data ${c.dataset?.name ?? '-'}, device ${c.device?.name ?? '-'}`;
  const rows = table([
    ['RUN', 'CONFIG', 'ACCURACY', 'SQNR dB', 'SIZE B', 'BOPs', 'LATENCY ms (p90, cv)'],
    ...c.rows.map((r) => [
      String(r.runId),
      r.label,
      fmt(r.metrics?.accuracy, 4),
      fmt(r.metrics?.sqnrDb),
      r.metrics?.sizeBytes == null ? '-' : String(r.metrics.sizeBytes),
      r.metrics?.bops == null ? '-' : r.metrics.bops.toExponential(3),
      r.latency ? `${fmt(r.latency.medianMs, 3)} (${fmt(r.latency.p90Ms, 3)}, ${fmt(r.latency.cv, 3)})${r.latency.unstable ? ' unstable' : ''}` : '-',
    ]),
  ]);
  const differing = c.groups.filter((g) => g.differs);
  const bits = differing.length === 0 ? 'Every group has the same bit-widths.' : table([['GROUP', ...c.rows.map((r) => `#${r.runId}:${r.configurationId}`)], ...differing.map((g) => [g.group, ...g.bits])]);
  return [head, rows, '', bits, ...c.warnings.map((w) => `warning: ${w}`)].join('\n');
}

export function registerRunsCommand(program: Command, ctx: CliContext): void {
  const runs = program.command('runs').description('the history: list, show, resume, compare, export and import runs');
  const history = () => ctx.getBackend().history;

  runs
    .command('list')
    .description('recent runs first')
    .option('--model <name>', 'only runs of this model (file name or content hash)')
    .option('--device <name>', 'only runs on this device')
    .option('--limit <n>', 'how many runs to show', parseLimit, 50)
    .action((opts: { model?: string; device?: string; limit: number }) => {
      const list = history().listRuns({ model: opts.model, device: opts.device, limit: opts.limit });
      ctx.print({ runs: list }, () => formatList(list));
    });

  runs
    .command('show')
    .description('everything about one run')
    .argument('<id>', 'run id', parseRunId)
    .action((id: number) => {
      const run = history().getRun(id);
      ctx.print(run, () => formatDetail(run));
    });

  runs
    .command('resume')
    .description('continue an interrupted, paused or cancelled run; finished work is not redone (Ctrl+C pauses)')
    .argument('<id>', 'run id', parseRunId)
    .action(async (id: number) => {
      const service = history();
      const before = service.store.results.countEvaluations(id);
      const onProgress = ctx.getBackend().events.subscribe((e) => {
        if (e.type === 'progress' && !ctx.json) ctx.io.stderr(`\r${e.phase} ${e.done}/${e.total}${e.step ? ` ${e.step}` : ''}`.padEnd(60));
      });
      const pause = () => service.pause(id);
      process.once('SIGINT', pause);
      try {
        const status = await service.runToEnd(id);
        if (!ctx.json) ctx.io.stderr('\n');
        const after = service.store.results.countEvaluations(id);
        ctx.print({ id, status, evaluationsBefore: before, evaluationsAfter: after }, `run ${id} ${status}: ${after} evaluations (${before} were already finished)`);
        if (status !== 'done') throw new BitbenchError('CANCELLED', `Run ${id} was ${status} before it finished.`, `Resume it with \`bitbench runs resume ${id}\`.`);
      } finally {
        process.off('SIGINT', pause);
        onProgress();
      }
    });

  runs
    .command('measure')
    .description("measure a search's chosen configuration, its fixed baselines and FP32 on a device, as a new benchmark run")
    .argument('<id>', 'the search run', parseRunId)
    .option('--device <name>', 'device to measure on (default: this computer)')
    .option('--runs <n>', 'timed runs per configuration', parseLimit)
    .option('--warmup <n>', 'untimed warm-up runs per configuration', parseLimit)
    .action(async (id: number, opts: { device?: string; runs?: number; warmup?: number }) => {
      const service = history();
      const benchmarkId = createBenchmarkRun(service.store, id, opts);
      const pause = () => service.pause(benchmarkId);
      process.once('SIGINT', pause);
      let status: RunSummary['status'];
      try {
        status = await service.runToEnd(benchmarkId);
      } finally {
        process.off('SIGINT', pause);
      }
      if (status !== 'done') throw new BitbenchError('CANCELLED', `Benchmark run ${benchmarkId} was ${status} before it finished.`, `Resume it with \`bitbench runs resume ${benchmarkId}\`.`);
      // The search's pick (with its accuracy) first, then everything else the benchmark measured.
      const chosenId = service.store.runs.get(id)?.chosenConfigurationId ?? null;
      const measured = service.store.results.measurementsForRun(benchmarkId).map((m) => m.configurationId).filter((c): c is number => c !== null && c !== chosenId);
      const targets: CompareTarget[] = [...(chosenId === null ? [] : [{ runId: id, configurationId: chosenId }]), ...measured.map((c) => ({ runId: benchmarkId, configurationId: c }))];
      if (targets.length === 0) throw new BitbenchError('DEVICE_ERROR', `Benchmark run ${benchmarkId} measured nothing on ${opts.device ?? 'this computer'}.`, `See why with \`bitbench runs show ${benchmarkId}\`.`);
      const comparison = service.compare(targets, opts.device);
      ctx.print({ runId: benchmarkId, comparison }, () => `benchmark run ${benchmarkId}\n${formatComparison(comparison)}`);
    });

  runs
    .command('compare')
    .description('configurations side by side: RUN (its pick) or RUN:CONFIGURATION, first one is the reference')
    .argument('<targets...>', 'runs or run:configuration pairs', (value: string, previous: CompareTarget[] = []) => [...previous, parseTarget(value)])
    .option('--device <name>', 'device whose latency measurements to show (default: the first run\'s)')
    .action((targets: CompareTarget[], opts: { device?: string }) => {
      const comparison = history().compare(targets, opts.device);
      ctx.print(comparison, () => formatComparison(comparison));
    });

  runs
    .command('export')
    .description('write a run (results, configurations, raw latency samples) as portable JSON')
    .argument('<id>', 'run id', parseRunId)
    .requiredOption('--out <file>', 'where to write the JSON')
    .action((id: number, opts: { out: string }) => {
      const text = exportRunJson(history().store, id);
      writeFileSync(opts.out, text);
      ctx.print({ id, out: opts.out, bytes: Buffer.byteLength(text) }, `run ${id} exported to ${opts.out}`);
    });

  runs
    .command('import')
    .description('add a run exported on another machine (as a new run)')
    .argument('<file>', 'a file written by `bitbench runs export`')
    .action((file: string) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new BitbenchError('NOT_FOUND', `Cannot read ${file}: ${(error as Error).message}.`, 'Check the path.');
      }
      const id = importRunJson(history().store, text);
      ctx.print({ id }, `imported as run ${id}`);
    });
}
