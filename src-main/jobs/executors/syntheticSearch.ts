/**
 * A search over a synthetic model: the real search algorithms (engine/search) driven by a
 * deterministic evaluator whose answers follow a simple noise model instead of running a network.
 * It exercises everything around a search (jobs, persistence, pause, crash and resume) in seconds
 * and without model files, which is what the crash-and-resume tests and demos need; a run selects
 * it with `settings.evaluator = "synthetic"`.
 */
import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import { BitbenchError, parseBitPair, type BitPair, type ModelInfo, type QuantConfig } from '../../api/index.js';
import { createCostModel } from '../../engine/search/cost/createCostModel.js';
import { searchWithEvaluator } from '../../engine/search/searchWithEvaluator.js';
import type { EvaluateOptions, EvaluationResult, SearchEvaluator, SearchSplit } from '../../engine/search/types.js';
import type { RunRecord } from '../../store/index.js';
import type { JobContext, JobExecutor, JobOutcome } from '../jobTypes.js';
import { searchHooksFor, searchOutcome } from './searchJob.js';

const BitPairText = z.string().transform((text, ctx) => {
  const pair = parseBitPair(text);
  if (!pair) ctx.addIssue({ code: 'custom', message: `not a bit pair: ${text}` });
  return pair as BitPair;
});

/** Settings of a synthetic search run. */
export const SyntheticSearchSettings = z.object({
  evaluator: z.literal('synthetic'),
  method: z.enum(['pareto', 'msq', 'genetic', 'fixed']).default('pareto'),
  groups: z.number().int().min(1).max(200).default(8),
  candidates: z.array(BitPairText).min(1).prefault(['W8A8', 'W4A8', 'W2A8']),
  baselines: z.array(BitPairText).prefault(['W8A8', 'W4A8']),
  cost: z.enum(['bops', 'size']).default('bops'),
  maxDropPercent: z.number().default(1),
  seed: z.number().int().default(1),
  /** Wall time of one evaluation, so tests can interrupt a search partway. */
  evaluationDelayMs: z.number().min(0).max(60_000).default(0),
  /** Appends one line per evaluation actually computed (tests count recomputation with it). */
  computeLog: z.string().optional(),
});
export type SyntheticSearchSettings = z.infer<typeof SyntheticSearchSettings>;

/** The synthetic model: `groups` convolution layers of growing size, one quantizer group each. */
export function syntheticModelInfo(groups: number): ModelInfo {
  const layers = Array.from({ length: groups }, (_, i) => {
    const channels = 8 * (1 + (i % 4));
    const params = channels * channels * 9;
    return { name: `conv${i}`, op: 'Conv', weightShape: [channels, channels, 3, 3], params, macs: params * 64, inputs: [`act${i}`], output: `act${i + 1}` };
  });
  return {
    name: `synthetic-${groups}`,
    sha256: '',
    opset: 17,
    inputs: [{ name: 'act0', type: 'float32', shape: [1, 8, 8, 8] }],
    outputs: [{ name: `act${groups}`, type: 'float32', shape: [1, 8, 8, 8] }],
    layers,
    groups: layers.map((l, i) => ({ id: `g${i}`, weightQuantizers: [l.name], activationQuantizers: [l.inputs[0]], quantizers: [`w:${l.name}`, `a:${l.inputs[0]}`] })),
    params: layers.reduce((s, l) => s + l.params, 0),
    macs: layers.reduce((s, l) => s + l.macs, 0),
  };
}

/**
 * Deterministic answers: each group adds quantization noise proportional to 4^-bits times a
 * per-group sensitivity, SQNR is the inverse of the total, and accuracy falls with the noise.
 */
export class SyntheticEvaluator implements SearchEvaluator {
  constructor(
    readonly info: ModelInfo,
    private readonly delayMs: number,
    private readonly computeLog?: string,
  ) {}

  async evaluate(config: QuantConfig, split: SearchSplit, options: EvaluateOptions = {}): Promise<EvaluationResult> {
    if (this.delayMs > 0) await sleep(this.delayMs, options.signal);
    let noise = 0;
    this.info.groups.forEach((group, i) => {
      const pair = config.groups[group.id];
      if (!pair) return;
      const sensitivity = 1 + ((i * 7) % 5);
      if (pair.w !== null) noise += sensitivity * 4 ** -pair.w;
      if (pair.a !== null) noise += 0.5 * sensitivity * 4 ** -pair.a;
    });
    // Like the real engine, FP32 compared with itself has no noise at all: infinite SQNR.
    const sqnrDb = noise === 0 ? Infinity : -10 * Math.log10(noise);
    const accuracy = split === 'validation' ? Math.max(0, 0.92 - 0.5 * noise) : null;
    if (this.computeLog) appendFileSync(this.computeLog, `${JSON.stringify({ split, limit: options.limit ?? null, groups: config.groups })}\n`);
    return { sqnrDb, accuracy };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new BitbenchError('CANCELLED', 'The evaluation was cancelled.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new BitbenchError('CANCELLED', 'The evaluation was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs searches whose settings ask for the synthetic evaluator. */
export const syntheticSearchExecutor: JobExecutor = {
  accepts: (run: RunRecord) => run.kind === 'search' && run.settings.evaluator === 'synthetic',
  async execute(context: JobContext): Promise<JobOutcome> {
    const parsed = SyntheticSearchSettings.safeParse(context.run.settings);
    if (!parsed.success) throw new BitbenchError('INVALID_CONFIG', `Invalid synthetic search settings: ${parsed.error.issues[0].message}.`, 'Check the run settings.');
    const s = parsed.data;
    const info = syntheticModelInfo(s.groups);
    const evaluator = new SyntheticEvaluator(info, s.evaluationDelayMs, s.computeLog);
    const plan = { candidates: s.candidates, baselines: s.baselines, maxDropPercent: s.maxDropPercent, seed: s.seed, extras: {}, sensitivityMetric: 'sqnr' as const, phase1Limit: null };
    const result = await searchWithEvaluator(evaluator, s.method, createCostModel(s.cost, info), plan, searchHooksFor(context));
    return searchOutcome(result);
  },
};
