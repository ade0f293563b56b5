/**
 * MSQ's per-layer accuracy estimate (seed 001): after every layer, a task predictor built from the
 * layer's pyramid-pooled output and imprinted class templates, no training. Samples of the split are
 * dealt into two halves: one half imprints the templates (labelled by their ground truth, or by the FP32
 * model's prediction when the split has none, weighted by the FP32 model's confidence in that
 * label), the others are classified and scored. Which half a sample joins is decided by a hash of
 * its index, not by alternation, so data ordered in a period (class 0, 1, 2, ...) still gives both
 * halves every class.
 */
import type { QuantConfig } from '../../../api/index.js';
import type { FeatureCapture } from '../types.js';
import { argmaxRow, fusedPrediction, ImprintedTemplates, softmaxProbability } from './imprinting.js';
import { pyramidPool } from './pyramidPool.js';

/** Accuracy of each tensor's predictor, plus the quantized model's own output accuracy. */
export interface LayerAccuracies {
  byTensor: Map<string, number>;
  /** Accuracy of the quantized network's output on the scored samples (null if not captured). */
  output: number | null;
  scored: number;
}

/** Options of one estimate. */
export interface LayerAccuracyOptions {
  limit: number;
  scales: readonly number[];
  /** Name of the network output tensor, captured to report the model's own accuracy. */
  outputTensor?: string;
  signal?: AbortSignal;
}

/** True when sample `index` imprints templates, false when it is scored (about half each). */
export function imprintsTemplates(index: number): boolean {
  return Math.imul(index + 1, 0x9e3779b1) >>> 31 === 0;
}

interface ScaleState {
  templates: ImprintedTemplates;
  /** Pooled features of scored samples, kept until the templates are complete. */
  held: Float32Array[];
}

/** Runs one capture pass of `config` over the calibration split and estimates every tensor's accuracy. */
export async function estimateLayerAccuracies(capture: FeatureCapture, config: QuantConfig, tensors: readonly string[], options: LayerAccuracyOptions): Promise<LayerAccuracies> {
  const states = new Map<string, ScaleState[]>();
  const scoredLabels: number[] = [];
  let outputCorrect = 0;
  let seen = 0;
  const wanted = options.outputTensor ? [...tensors, options.outputTensor] : [...tensors];
  await capture.captureTensors(
    config,
    'calibration',
    wanted,
    (batch) => {
      const labels = new Int32Array(batch.size);
      const confidence = new Float64Array(batch.size);
      for (let r = 0; r < batch.size; r++) {
        labels[r] = batch.labels ? batch.labels[r] : argmaxRow(batch.referenceLogits, r, batch.classes);
        confidence[r] = softmaxProbability(batch.referenceLogits, r, batch.classes, labels[r]);
      }
      for (const name of tensors) {
        const tensor = batch.tensors.get(name);
        if (!tensor) continue;
        const pooled = pyramidPool(tensor.dims, tensor.data, options.scales);
        let perScale = states.get(name);
        if (!perScale) {
          perScale = pooled.map((p) => ({ templates: new ImprintedTemplates(batch.classes, p.width), held: [] }));
          states.set(name, perScale);
        }
        pooled.forEach((p, k) => {
          for (let r = 0; r < batch.size; r++) {
            if (imprintsTemplates(seen + r)) perScale[k].templates.add(p.data, r, labels[r], confidence[r]);
            else perScale[k].held.push(p.data.slice(r * p.width, (r + 1) * p.width));
          }
        });
      }
      const output = options.outputTensor ? batch.tensors.get(options.outputTensor) : undefined;
      for (let r = 0; r < batch.size; r++) {
        if (imprintsTemplates(seen + r)) continue;
        scoredLabels.push(labels[r]);
        if (output && argmaxRow(output.data, r, batch.classes) === labels[r]) outputCorrect++;
      }
      seen += batch.size;
    },
    { limit: options.limit, signal: options.signal },
  );
  const byTensor = new Map<string, number>();
  for (const [name, perScale] of states) {
    let correct = 0;
    const classes = perScale[0].templates.classes;
    const scores = perScale.map(() => new Float64Array(classes));
    for (let i = 0; i < scoredLabels.length; i++) {
      perScale.forEach((state, k) => state.templates.score(state.held[i], 0, scores[k]));
      if (fusedPrediction(scores) === scoredLabels[i]) correct++;
    }
    byTensor.set(name, scoredLabels.length > 0 ? correct / scoredLabels.length : 0);
  }
  return { byTensor, output: options.outputTensor && scoredLabels.length > 0 ? outputCorrect / scoredLabels.length : null, scored: scoredLabels.length };
}
