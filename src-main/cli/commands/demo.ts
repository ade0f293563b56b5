/**
 * `bitbench demo`: the README's main job. Runs a Pareto-greedy search on the shipped ResNet-20 and
 * Fashion-MNIST slice with latency measured on this computer, compares it against fixed
 * W8A8/W4A8/W4A4, keeps it in the history and writes an HTML report. Progress goes to stderr.
 */
import type { Command } from 'commander';
import { formatPercent, formatMs } from '../../api/present/format.js';
import { startSearch } from '../../jobs/studio/studioHandlers.js';
import { demoSearchRequest } from '../../jobs/studio/demo.js';
import type { CliContext } from '../context.js';
import { followRun } from '../followRun.js';

export function registerDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('run the demo: a mixed-precision search on a small model, measured on this computer, with a report')
    .option('--format <format>', 'report format: html, pdf, csv or json', 'html')
    .action(async (opts: { format: 'html' | 'pdf' | 'csv' | 'json' }) => {
      const backend = ctx.getBackend();
      const request = demoSearchRequest();
      if (!ctx.json) ctx.io.stderr(`Bitbench demo: ${request.title}\n  model ${request.modelPath}\n  data  ${request.data}\n  home  ${backend.home.root}\n`);
      const started = await startSearch({ home: backend.home, history: backend.history, lab: backend.lab, reportUrlPrefix: null }, request);
      const status = await followRun(ctx, started.runId);
      const report = await backend.handlers['reports.export']({ runId: started.runId, format: opts.format });
      const model = await backend.handlers['runs.report']({ id: started.runId });
      ctx.print({ runId: started.runId, status, report: report.path, compared: model?.compared.map((r) => ({ label: r.label, accuracy: r.accuracy, bops: r.bops, sizeBytes: r.sizeBytes, latencyMedianMs: r.latency?.median ?? null })) }, () =>
        [
          '',
          ...(model?.compared ?? []).map((r) => `  ${r.label.padEnd(16)} accuracy ${formatPercent(r.accuracy).padStart(7)}   latency ${formatMs(r.latency?.median).padStart(9)}`),
          '',
          `Run #${started.runId} ${status}. Report: ${report.path}`,
          'Open the studio with `npm run web` to explore it.',
        ].join('\n'),
      );
    });
}
