/**
 * Weight imprinting (seed 001, after Qi et al.): a classifier whose class templates are the
 * confidence-weighted mean of L2-normalized features of that class, with no training. Scores are
 * cosine similarities times a fixed scale (so the softmax is not flat), and the scales of a pyramid
 * are fused by their entropies: a confident (low-entropy) scale weighs more.
 */

/** Templates of one scale, accumulated sample by sample. */
export class ImprintedTemplates {
  private readonly sums: Float64Array;
  private readonly weights: Float64Array;
  private normalized: Float32Array | null = null;

  constructor(
    readonly classes: number,
    readonly width: number,
  ) {
    this.sums = new Float64Array(classes * width);
    this.weights = new Float64Array(classes);
  }

  /** Adds sample `row` of `features` to class `label` with confidence `weight`. */
  add(features: Float32Array, row: number, label: number, weight: number): void {
    const norm = rowNorm(features, row, this.width);
    if (norm === 0 || weight <= 0) return;
    const offset = row * this.width;
    const base = label * this.width;
    const scale = weight / norm;
    for (let k = 0; k < this.width; k++) this.sums[base + k] += features[offset + k] * scale;
    this.weights[label] += weight;
    this.normalized = null;
  }

  /** Unit-length templates (a class never seen keeps a zero template and scores 0). */
  private templates(): Float32Array {
    if (this.normalized) return this.normalized;
    const out = new Float32Array(this.classes * this.width);
    for (let c = 0; c < this.classes; c++) {
      let norm = 0;
      for (let k = 0; k < this.width; k++) norm += this.sums[c * this.width + k] ** 2;
      norm = Math.sqrt(norm);
      if (norm === 0) continue;
      for (let k = 0; k < this.width; k++) out[c * this.width + k] = this.sums[c * this.width + k] / norm;
    }
    this.normalized = out;
    return out;
  }

  /** Cosine scores of sample `row` against every class template, into `out`. */
  score(features: Float32Array, row: number, out: Float64Array): void {
    const templates = this.templates();
    const norm = rowNorm(features, row, this.width) || 1;
    const offset = row * this.width;
    for (let c = 0; c < this.classes; c++) {
      let dot = 0;
      for (let k = 0; k < this.width; k++) dot += templates[c * this.width + k] * features[offset + k];
      out[c] = dot / norm;
    }
  }
}

function rowNorm(features: Float32Array, row: number, width: number): number {
  let sum = 0;
  for (let k = 0; k < width; k++) sum += features[row * width + k] ** 2;
  return Math.sqrt(sum);
}

/** Cosine scores are in [-1, 1]; this scale makes their softmax (and its entropy) informative. */
export const SCORE_SCALE = 16;

/** Softmax entropy (nats) of scaled scores. */
export function scoreEntropy(scores: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const s of scores) max = Math.max(max, s * SCORE_SCALE);
  let total = 0;
  for (const s of scores) total += Math.exp(s * SCORE_SCALE - max);
  let entropy = 0;
  for (const s of scores) {
    const p = Math.exp(s * SCORE_SCALE - max) / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return entropy;
}

/**
 * Fuses the scores of several scales: the mean of the score vectors weighted by the inverse of
 * each scale's entropy; returns the predicted class.
 */
export function fusedPrediction(perScale: readonly Float64Array[]): number {
  const classes = perScale[0].length;
  const fused = new Float64Array(classes);
  // The arg-max does not change when the weights are normalized, so they are not.
  for (const scores of perScale) {
    const weight = 1 / (scoreEntropy(scores) + 1e-6);
    for (let c = 0; c < classes; c++) fused[c] += weight * scores[c];
  }
  let best = 0;
  for (let c = 1; c < classes; c++) if (fused[c] > fused[best]) best = c;
  return best;
}

/** Softmax probability of class `label` in a row of logits. */
export function softmaxProbability(logits: Float32Array, row: number, classes: number, label: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < classes; c++) max = Math.max(max, logits[row * classes + c]);
  let total = 0;
  for (let c = 0; c < classes; c++) total += Math.exp(logits[row * classes + c] - max);
  return Math.exp(logits[row * classes + label] - max) / total;
}

/** Arg-max of a row of logits. */
export function argmaxRow(logits: Float32Array, row: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (logits[row * classes + c] > logits[row * classes + best]) best = c;
  return best;
}
