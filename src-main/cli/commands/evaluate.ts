/**
 * `bitbench evaluate MODEL --data SPEC (--bits W8A8 | --config FILE)`: simulate a configuration and
 * report output SQNR against FP32 and top-1 accuracy. Also holds the data and preprocessing options
 * that `export` shares.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { BitbenchError } from '../../api/errors.js';
import { CalibrationMethod, type QuantConfig, formatBitPair } from '../../api/quant.js';
import { openDataset } from '../../engine/data/open.js';
import type { Preprocess } from '../../engine/data/preprocess.js';
import type { ExportFormat, ExportFormatOptions } from '../../engine/export/format.js';
import { QuantSimulator, configFromBits, configFromFile, type WeightMethod } from '../../engine/index.js';
import type { CliContext } from '../context.js';
import { addPreprocessOptions, preprocessFromOptions, type PreprocessFlags } from '../dataOptions.js';

export interface DataOptions extends PreprocessFlags {
  calib?: string;
  calibLimit: number;
  calibration?: CalibrationMethod;
  weights: WeightMethod;
  threads: number;
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
};
const calibrationMethod = (value: string): CalibrationMethod => {
  const parsed = CalibrationMethod.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('one of minmax, percentile, mse, cosine.');
  return parsed.data;
};

/** Adds the calibration-data and preprocessing options shared by evaluate and export. */
export function addDataOptions(cmd: Command): Command {
  return addPreprocessOptions(cmd)
    .option('--calib <spec>', 'calibration data spec (default: the evaluation data)')
    .option('--calib-limit <n>', 'calibration samples', positiveInt, 512)
    .option('--calibration <method>', 'activation ranges: minmax, percentile, mse, cosine (default percentile)', calibrationMethod)
    .option('--weights <method>', 'weight clipping: auto (MSE at 4+ bits, min-max below), mse or minmax', (v) => {
      if (v !== 'mse' && v !== 'minmax' && v !== 'auto') throw new InvalidArgumentError('auto, mse or minmax.');
      return v;
    }, 'auto')
    .option('--threads <n>', 'onnxruntime threads', positiveInt, 2);
}

export interface FormatFlags {
  opset?: number;
  w4Storage?: 'int4' | 'int8';
  float?: 'fp32' | 'fp16';
}

/**
 * Adds the storage-format options shared by evaluate and export: evaluate simulates exactly the
 * graph export writes with the same flags.
 */
export function addFormatOptions(cmd: Command): Command {
  return cmd
    .option('--opset <n>', 'upgrade the model to this opset first (17..21; 21 enables INT4 weights)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('an opset number, for example 21.');
      return n;
    })
    .option('--w4-storage <type>', 'MatMul/Gemm weights of <= 4 bits: int4 (needs opset 21; the default there) or int8', (v) => {
      if (v !== 'int4' && v !== 'int8') throw new InvalidArgumentError('int4 or int8.');
      return v;
    })
    .option('--float <precision>', 'layers left in float: fp32 (default) or fp16 (FLOAT16 weights, fp16-rounded inputs)', (v) => {
      if (v !== 'fp32' && v !== 'fp16') throw new InvalidArgumentError('fp32 or fp16.');
      return v;
    });
}

/** The simulator's format options from the shared flags. */
export function formatFrom(opts: FormatFlags): ExportFormatOptions {
  return { opset: opts.opset, lowBitWeights: opts.w4Storage, float: opts.float };
}

/** The declared preprocessing from the options (the shared flags of cli/dataOptions.ts). */
export function preprocessFrom(opts: DataOptions): Preprocess {
  return preprocessFromOptions(opts);
}

/** A configuration from --bits or --config (exactly one). */
export function configFromOptions(sim: QuantSimulator, opts: { bits?: string; config?: string }): QuantConfig {
  if ((opts.bits === undefined) === (opts.config === undefined)) {
    throw new BitbenchError('INVALID_CONFIG', 'Give exactly one of --bits and --config.', 'For example --bits W8A8, or --config best.json from a search.');
  }
  return opts.bits !== undefined ? configFromBits(sim.info, opts.bits) : configFromFile(opts.config!);
}

/** True when the simulated graph is not the plain one (the evaluation then says which format it simulated). */
function formatChanged(format: ExportFormat): boolean {
  return format.opset !== format.sourceOpset || format.lowBitWeights === 'int4' || format.float !== 'fp32';
}

function describe(config: QuantConfig): string {
  const counts = new Map<string, number>();
  for (const pair of Object.values(config.groups)) counts.set(formatBitPair(pair), (counts.get(formatBitPair(pair)) ?? 0) + 1);
  return counts.size === 0 ? 'FP32' : [...counts].map(([k, n]) => `${n} x ${k}`).join(', ');
}

export function registerEvaluateCommand(program: Command, ctx: CliContext): void {
  addFormatOptions(addDataOptions(
    program
      .command('evaluate')
      .description('simulate a bit-width configuration and measure output SQNR and top-1 accuracy')
      .argument('<model>', 'the .onnx file')
      .requiredOption('--data <spec>', 'evaluation data: fmnist:DIR[:train|test], images:DIR, npy:FILE[:LABELS.npy]')
      .option('--bits <pair>', 'one bit pair for every group: W8A8, W4A8, W8A16, W4, FP32')
      .option('--config <file>', 'a configuration JSON (from a search or written by hand)')
      .option('--limit <n>', 'evaluate the first N samples', positiveInt)
      .option('--taps', 'also report SQNR at every quantizable layer output')
      .option('--require-labels', 'fail with LABELS_MISSING when the data has no labels'),
  )).action(async (modelPath: string, opts: DataOptions & FormatFlags & { data: string; bits?: string; config?: string; limit?: number; taps?: boolean; requireLabels?: boolean }) => {
    const preprocess = preprocessFrom(opts);
    const data = await openDataset(opts.data, preprocess);
    const calibration = opts.calib ? await openDataset(opts.calib, preprocess) : data;
    const sim = await QuantSimulator.create(modelPath, { calibration, calibrationMethod: opts.calibration, calibrationLimit: opts.calibLimit, weightMethod: opts.weights, threads: opts.threads, format: formatFrom(opts) });
    try {
      const config = configFromOptions(sim, opts);
      if (opts.calibration) config.calibration = opts.calibration;
      const result = await sim.evaluate(config, data, { limit: opts.limit, taps: opts.taps, requireLabels: opts.requireLabels });
      const json = {
        accuracy: result.accuracy,
        sqnrDb: Number.isFinite(result.sqnrDb) ? result.sqnrDb : null,
        samples: result.samples,
        config,
        format: sim.format,
        seconds: result.seconds,
        ...(result.layerSqnrDb ? { layerSqnrDb: result.layerSqnrDb } : {}),
      };
      ctx.print(json, () =>
        [
          `${sim.info.name}: ${describe(config)} on ${result.samples} samples of ${data.name}`,
          ...(formatChanged(sim.format) ? [`format:   opset ${sim.format.opset}${sim.format.opset !== sim.format.sourceOpset ? ` (upgraded from ${sim.format.sourceOpset})` : ''}, weights <= 4 bits ${sim.format.lowBitWeights}, float layers ${sim.format.float}`] : []),
          `accuracy: ${result.accuracy === null ? 'n/a (no labels)' : (100 * result.accuracy).toFixed(2) + '%'}`,
          `SQNR:     ${Number.isFinite(result.sqnrDb) ? result.sqnrDb.toFixed(2) + ' dB' : 'exact (FP32)'}`,
          `time:     ${result.seconds.toFixed(2)} s`,
          ...(opts.calib ? [] : ['note: calibrated on the evaluation data itself; pass --calib for a separate set']),
          ...(result.layerSqnrDb ? Object.entries(result.layerSqnrDb).map(([k, v]) => `  ${k}: ${v.toFixed(2)} dB`) : []),
        ].join('\n'),
      );
    } finally {
      await sim.dispose();
    }
  });
}
