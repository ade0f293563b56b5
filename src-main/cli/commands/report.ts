/** `bitbench report RUN_ID --format html|pdf|csv|json --out FILE`: a report of a finished run. */
import { InvalidArgumentError, type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BitbenchError, ReportFormat } from '../../api/index.js';
import { renderReport } from '../../report/render.js';
import type { CliContext } from '../context.js';

function parseRunId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a run id is a positive whole number (see `bitbench runs list`).');
  return n;
}

function parseFormat(value: string): ReportFormat {
  const parsed = ReportFormat.safeParse(value.toLowerCase());
  if (!parsed.success) throw new InvalidArgumentError('choose html, pdf, csv or json.');
  return parsed.data;
}

export function registerReportCommand(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('write the report of a finished search run (HTML, PDF, CSV or JSON)')
    .argument('<run-id>', 'the run (see `bitbench runs list`)', parseRunId)
    .option('--format <format>', 'html, pdf, csv or json', parseFormat, 'html' as ReportFormat)
    .option('--out <file>', 'where to write it (default: the home folder\'s reports/)')
    .action(async (runId: number, opts: { format: ReportFormat; out?: string }) => {
      const backend = ctx.getBackend();
      const model = await backend.handlers['runs.report']({ id: runId });
      if (!model) throw new BitbenchError('NOT_FOUND', `Run ${runId} has no finished search result to report.`, 'Wait for it to finish (or `bitbench runs resume` it), then try again.');
      let path: string;
      let bytes: number;
      if (opts.out) {
        const data = await renderReport(model, opts.format);
        path = resolve(opts.out);
        writeFileSync(path, data);
        bytes = data.length;
      } else {
        const exported = await backend.handlers['reports.export']({ runId, format: opts.format });
        path = exported.path;
        bytes = exported.bytes;
      }
      ctx.print({ runId, format: opts.format, path, bytes }, `Wrote the ${opts.format.toUpperCase()} report of run ${runId} to ${path} (${bytes} bytes).`);
    });
}
