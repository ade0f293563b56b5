/** `bitbench export MODEL --config FILE --out OUT.onnx`: write the deployable QDQ model and its manifest. */
import type { Command } from 'commander';
import { BitbenchError } from '../../api/errors.js';
import { openDataset } from '../../engine/data/open.js';
import { QuantSimulator } from '../../engine/index.js';
import type { CliContext } from '../context.js';
import { type DataOptions, type FormatFlags, addDataOptions, addFormatOptions, configFromOptions, formatFrom, preprocessFrom } from './evaluate.js';

export function registerExportCommand(program: Command, ctx: CliContext): void {
  addFormatOptions(addDataOptions(
    program
      .command('export')
      .description('write a configuration as a deployable QDQ ONNX model plus a manifest (OUT.manifest.json)')
      .argument('<model>', 'the .onnx file')
      .option('--config <file>', 'a configuration JSON (from a search or written by hand)')
      .option('--bits <pair>', 'one bit pair for every group instead of --config: W8A8, W4A8, ...')
      .requiredOption('--out <file>', 'where to write the quantized .onnx'),
  )).action(async (modelPath: string, opts: DataOptions & FormatFlags & { config?: string; bits?: string; out: string }) => {
    if (!opts.calib) {
      throw new BitbenchError('INVALID_DATASET', 'Export needs calibration data to fix the activation ranges.', 'Pass --calib SPEC (for example fmnist:/usr/share/datasets/fashion-mnist:train) with the same preprocessing as for evaluate.');
    }
    const calibration = await openDataset(opts.calib, preprocessFrom(opts));
    const sim = await QuantSimulator.create(modelPath, { calibration, calibrationMethod: opts.calibration, calibrationLimit: opts.calibLimit, weightMethod: opts.weights, threads: opts.threads, format: formatFrom(opts) });
    try {
      const config = configFromOptions(sim, opts);
      if (opts.calibration) config.calibration = opts.calibration;
      const manifest = await sim.exportQdq(config, opts.out);
      ctx.print(manifest, () =>
        [
          `wrote ${opts.out} (and ${opts.out.replace(/\.onnx$/i, '')}.manifest.json)`,
          ...manifest.layers.map((l) => `  ${l.format.padEnd(30)} ${(l.weightStorage ?? '-').padEnd(8)} ${l.name}`),
          `opset ${manifest.opset}${manifest.opset !== manifest.sourceOpset ? ` (upgraded from ${manifest.sourceOpset})` : ''}, weights <= 4 bits: ${manifest.lowBitWeights}, float layers: ${manifest.float}`,
          `ops: ${Object.entries(manifest.opCounts).map(([k, v]) => `${k} ${v}`).join(', ')}`,
          ...manifest.notes.map((n) => `note: ${n}`),
        ].join('\n'),
      );
    } finally {
      await sim.dispose();
    }
  });
}
