/**
 * The engine's public surface for the layers above (jobs, cli, web) and for the search and rounding
 * modules: load and inspect a model, simulate and evaluate configurations, export QDQ models.
 */
export { QuantSimulator, type EvaluationResult, type EvaluateOptions, type SimulatorOptions, type CapturedLayer } from './simulate/simulator.js';
export type { QuantPlan, ActivationPlan, WeightPlan, LayerFormat } from './simulate/plan.js';
export type { ExportManifest, ExportedLayer } from './export/manifest.js';
export { loadModel, type LoadedModel } from './model/loadModel.js';
export { inspectModel } from './model/inspect.js';
export type { WeightMethod } from './quant/weights.js';
export { uniformConfig, configFromBits, configFromFile } from './config/resolveConfig.js';
