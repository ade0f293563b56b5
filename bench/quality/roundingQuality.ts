/**
 * The rounding part of the quality benchmark: nearest, AdaRound and GPTQ at fixed W4A8 and W3A8
 * on one model, with the time each rounding took (both bit-widths, every layer) in this run.
 * With `repeats` > 1 both are timed that many times, alternating, each from scratch (the machine
 * is shared, so one ratio can be off); accuracy is that of the last run of each.
 */
import { uniformAssignment } from '../../src-main/engine/search/candidates.js';
import { applyRounding } from '../../src-main/engine/rounding/applyRounding.js';
import type { BenchModel } from './setup.js';

export interface RoundingReport {
  model: string;
  settings: { calibrationSamples: number; iterations: number; repeats?: number };
  /** Validation accuracy by method and weight bits. */
  accuracy: Record<'nearest' | 'adaround' | 'gptq', Record<'4' | '3', number | null>>;
  seconds: { adaround: number; gptq: number };
  /** Of those, the time in the rounding itself (adaroundRound/gptqRound, all layers and bit-widths); the rest is the shared Gram pass and the error report. */
  roundingSeconds: { adaround: number; gptq: number };
  /** GPTQ's whole time over AdaRound's, one per repeat (seconds above are the last repeat's). */
  ratios: number[];
}

export async function roundingQuality(model: BenchModel, options: { calibrationSamples: number; iterations: number; repeats?: number }): Promise<RoundingReport> {
  const { simulator, data } = model;
  const layers = simulator.info.layers.filter((l) => l.weightShape.length > 0).map((l) => l.name);
  const config = (w: number, rounding: 'nearest' | 'adaround' | 'gptq') => ({ groups: uniformAssignment(simulator.info, { w, a: 8 }), rounding });
  const accuracy: RoundingReport['accuracy'] = { nearest: { 4: null, 3: null }, adaround: { 4: null, 3: null }, gptq: { 4: null, 3: null } };
  const seconds = { adaround: 0, gptq: 0 };
  const roundingSeconds = { adaround: 0, gptq: 0 };
  for (const w of [4, 3] as const) accuracy.nearest[w] = (await simulator.evaluate(config(w, 'nearest'), data.validation)).accuracy;
  const repeats = Math.max(1, options.repeats ?? 1);
  const ratios: number[] = [];
  for (let rep = 0; rep < repeats; rep++) {
    for (const method of ['adaround', 'gptq'] as const) {
      simulator.clearRoundedWeights();
      const started = performance.now();
      const records = await applyRounding(simulator, method, layers, [4, 3], data.calibration, { limit: options.calibrationSamples, iterations: options.iterations });
      seconds[method] = (performance.now() - started) / 1000;
      roundingSeconds[method] = records.reduce((sum, r) => sum + r.seconds, 0);
      if (rep === repeats - 1) for (const w of [4, 3] as const) accuracy[method][w] = (await simulator.evaluate(config(w, method), data.validation)).accuracy;
    }
    ratios.push(seconds.gptq / seconds.adaround);
  }
  simulator.clearRoundedWeights();
  return { model: model.name, settings: options, accuracy, seconds, roundingSeconds, ratios };
}
