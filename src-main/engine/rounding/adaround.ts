/**
 * AdaRound (Nagel et al. 2020; DESIGN 4.4): learn, per weight, whether to round down or up, by
 * minimising the layer output error ||W X - W' X||^2 (through the Gram matrix) plus a regulariser
 * that pushes the soft rounding h(V) to 0 or 1 as its exponent beta anneals from 20 to 2. V starts
 * where h(V) equals the fractional part of W/S. Each Adam step runs in onnxruntime.
 */
import { throwIfAborted } from '../runtime/abort.js';
import { weightLevels } from '../quant/arithmetic.js';
import { adaroundStepSession, GAMMA, ZETA, ADAM_B1, ADAM_B2 } from './graphs/adaroundStep.js';
import { floatTensor } from './graphs/graphBuilder.js';
import { groupWeight, ungroupLevels, type GramMatrices, type WeightLayout } from './layout.js';
import { nearestLevels, reconstructionError } from './reconstruction.js';

export interface AdaroundOptions {
  /** Adam steps (default 1000). */
  iterations?: number;
  /** Weight of the rounding regulariser (default 3; the loss scaling below makes it layer-independent). */
  lambda?: number;
  /** Adam learning rate (default 0.1; V lives on a logit scale). */
  learningRate?: number;
  /** Fraction of iterations without the regulariser, letting h move freely first (default 0.2). */
  warmup?: number;
  /** Storage order of a 2-D weight (default 'out-in'). */
  layout?: WeightLayout;
  signal?: AbortSignal;
  /** Called every few hundred steps with the fraction done. */
  onProgress?: (fraction: number) => void;
}

/** V such that h(V) = frac, clamped away from the sigmoid's flat ends. */
function initialV(frac: number): number {
  const p = Math.min(Math.max((frac - GAMMA) / (ZETA - GAMMA), 1e-4), 1 - 1e-4);
  return Math.log(p / (1 - p));
}

/**
 * Integer levels in [-(2^(b-1)), 2^(b-1)-1] for `weight` (Conv [O, I/g, kh, kw], or 2-D in
 * `options.layout`), each the floor or the ceiling of W/S, chosen to minimise the layer output error.
 *
 * Loss scaling: the reconstruction term is divided by its value under nearest rounding, and the
 * regulariser is averaged over the weights, so `lambda` means the same on every layer.
 */
export async function adaroundRound(weight: Float32Array, weightDims: number[], gram: GramMatrices, scales: Float32Array, bits: number, options: AdaroundOptions = {}): Promise<Int32Array> {
  const layout = options.layout ?? 'out-in';
  const w = groupWeight(weight, weightDims, layout, gram, scales);
  const { groups, rows, cols } = w;
  const n = w.values.length;
  const { qmin, qmax } = weightLevels(bits);
  const nearest = nearestLevels(weight, weightDims, scales, bits, layout);
  const rec0 = reconstructionError(weight, weightDims, nearest, scales, gram, layout);
  if (!(rec0 > 0)) return nearest;

  const floor = new Float64Array(n);
  const free = new Uint8Array(n);
  const v = new Float32Array(n);
  const c0 = new Float32Array(n);
  const c1 = new Float32Array(n);
  const cRec = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = w.scales[Math.floor(i / cols)];
    const x = s > 0 ? w.values[i] / s : 0;
    floor[i] = Math.floor(x);
    // Outside [qmin, qmax - 1] both roundings clip to the same level: nothing to learn there.
    free[i] = floor[i] >= qmin && floor[i] <= qmax - 1 ? 1 : 0;
    const base = free[i] ? floor[i] : Math.min(qmax, Math.max(qmin, floor[i]));
    v[i] = initialV(x - floor[i]);
    c0[i] = s * base - w.values[i] + (s * free[i]) / 2;
    c1[i] = (s * free[i]) / 2;
    cRec[i] = (2 * s * free[i]) / rec0;
  }
  // One thread for small layers: their steps are dominated by per-node overhead, which a second
  // thread only adds synchronisation to (measured on this shared 2-core machine).
  const threads = rows * cols * cols * groups < 4_000_000 ? 1 : 2;
  const session = await adaroundStepSession({ groups, rows, cols, c0, c1, cRec, gram: Float32Array.from(gram.data), threads });
  const iterations = options.iterations ?? 1000;
  const warmup = Math.floor((options.warmup ?? 0.2) * iterations);
  // Defaults chosen on ResNet-20 layers (conv 64x576, fc 10x64) at W4/W3 with 1000 steps: a strong
  // regulariser makes h binary while Adam still moves, so the final hard rounding loses little
  // (lambda 0.01 -> 0.74 of nearest's error, 0.1 -> 0.60, 1 -> 0.24, 3 -> 0.17, 10 -> 0.17).
  const lam = (options.lambda ?? 3) / n;
  const lr = options.learningRate ?? 0.1;
  const dims = [groups, rows, cols];
  let state = { v: floatTensor(v, dims), m: floatTensor(new Float32Array(n), dims), s: floatTensor(new Float32Array(n), dims) };
  const scalar = (x: number) => floatTensor(Float32Array.of(x), [1]);
  try {
    for (let t = 1; t <= iterations; t++) {
      if (t % 50 === 0) throwIfAborted(options.signal);
      const annealed = t <= warmup ? 0 : (t - warmup) / Math.max(1, iterations - warmup);
      const beta = 20 + (2 - 20) * annealed;
      const out = await session.run({
        v: state.v,
        m: state.m,
        s: state.s,
        stepSize: scalar((lr * (1 - ADAM_B1)) / (1 - ADAM_B1 ** t)),
        sScale: scalar((1 - ADAM_B2) / (1 - ADAM_B2 ** t)),
        betaMinus1: scalar(beta - 1),
        regCoef: scalar(t <= warmup ? 0 : -2 * beta * lam),
      });
      state = { v: out.v_next, m: out.m_next, s: out.s_next };
      if (options.onProgress && t % 200 === 0) options.onProgress(t / iterations);
    }
  } finally {
    await session.release();
  }
  const vFinal = state.v.data as Float32Array;
  const levels = new Int32Array(n);
  // h(V) >= 0.5 exactly when V >= 0: round up.
  for (let i = 0; i < n; i++) levels[i] = free[i] ? floor[i] + (vFinal[i] >= 0 ? 1 : 0) : Math.min(qmax, Math.max(qmin, floor[i]));
  const result = ungroupLevels(levels, weightDims, layout);
  // AdaRound must never lose to the rounding it starts from; on a degenerate layer keep nearest.
  return reconstructionError(weight, weightDims, result, scales, gram, layout) <= rec0 ? result : nearest;
}
