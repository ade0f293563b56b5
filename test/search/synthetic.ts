/**
 * A synthetic model and evaluator with known answers, for testing the search algorithms (not the
 * engine): a chain of conv layers, one quantizer group each, where group g at a candidate adds
 * output noise `sensitivity[g] * 2^(-2w) + 0.3 * sensitivity[g] * 2^(-2a)` (uniform quantization
 * noise power falls by 4x per bit). SQNR is -10 log10 of the summed noise; accuracy falls smoothly
 * and monotonically with the noise. Everything is deterministic.
 */
import type { ModelInfo, QuantConfig } from '../../src-main/api/index.js';
import type { EvaluateOptions, EvaluationResult, SearchEvaluator, SearchSplit } from '../../src-main/engine/search/types.js';

/** A chain model whose layer i has `macs[i]` MACs and `params[i]` weights. */
export function syntheticModel(macs: number[], params: number[]): ModelInfo {
  const layers = macs.map((m, i) => ({
    name: `conv${i}`,
    op: 'Conv',
    weightShape: [params[i]],
    params: params[i],
    macs: m,
    inputs: [i === 0 ? 'input' : `t${i - 1}`],
    output: `t${i}`,
  }));
  return {
    name: 'synthetic',
    sha256: 'abc',
    opset: 17,
    inputs: [{ name: 'input', type: 'float32', shape: [1, 4] }],
    outputs: [{ name: `t${macs.length - 1}`, type: 'float32', shape: [1, 10] }],
    layers,
    groups: layers.map((l, i) => ({ id: `g${i}`, weightQuantizers: [l.name], activationQuantizers: [l.inputs[0]], quantizers: [`w:${l.name}`, `a:${l.inputs[0]}`] })),
    params: params.reduce((a, b) => a + b, 0),
    macs: macs.reduce((a, b) => a + b, 0),
  };
}

/** Evaluator over `syntheticModel` with per-group sensitivities; counts its calls. */
export class SyntheticEvaluator implements SearchEvaluator {
  calls = 0;
  /** Delay per evaluation in ms (to test cancellation mid-search). */
  delayMs = 0;

  constructor(
    readonly info: ModelInfo,
    private readonly sensitivity: number[],
    private readonly labels = true,
  ) {}

  noise(config: QuantConfig): number {
    let noise = 0;
    this.info.groups.forEach((group, g) => {
      const pair = config.groups[group.id];
      if (!pair) return;
      const w = pair.w ?? 32;
      const a = pair.a ?? 32;
      noise += this.sensitivity[g] * (2 ** (-2 * w) + 0.3 * 2 ** (-2 * a));
    });
    return noise;
  }

  async evaluate(config: QuantConfig, split: SearchSplit, options: EvaluateOptions = {}): Promise<EvaluationResult> {
    this.calls++;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (options.signal?.aborted) throw new Error('aborted');
    const noise = this.noise(config);
    const sqnrDb = noise === 0 ? Number.POSITIVE_INFINITY : -10 * Math.log10(noise);
    // A calibration split sees a slightly different accuracy curve than validation, as real data does.
    const scale = split === 'calibration' ? 1.1 : 1;
    const accuracy = 0.9 - 0.8 * (1 - Math.exp((-noise * scale) / 0.1));
    return { sqnrDb, accuracy: this.labels ? accuracy : null };
  }
}
