/**
 * trtexec command lines: build an engine once per (model hash, precision) and keep it, then time it
 * from the saved engine with warm-up, iterations and JSON exports. trtexec is not on PATH on
 * JetPack, hence the full path from the probe. Every argument is shell-quoted.
 */
import { shellCommand } from '../ssh/shellQuote.js';

export type TrtPrecision = 'FP32' | 'FP16' | 'INT8';

/** Builds the engine (skipped by the caller when the engine file exists). */
export function trtexecBuildCommand(trtexec: string, onnx: string, engine: string, precision: TrtPrecision): string {
  const flags = precision === 'FP16' ? ['--fp16'] : precision === 'INT8' ? ['--int8', '--fp16'] : [];
  // Build to a temp name and rename, so an interrupted build never leaves an engine that looks done.
  return `${shellCommand(trtexec, `--onnx=${onnx}`, `--saveEngine=${engine}.tmp`, ...flags)} 2>&1 && ${shellCommand('mv', '-f', '--', `${engine}.tmp`, engine)}`;
}

/** Times a saved engine; times and the per-layer profile go to JSON files in the run folder. */
export function trtexecTimeCommand(trtexec: string, engine: string, opts: { warmupMs: number; iterations: number; timesJson: string; profileJson: string }): string {
  return `${shellCommand(
    trtexec,
    `--loadEngine=${engine}`,
    `--warmUp=${opts.warmupMs}`,
    `--iterations=${opts.iterations}`,
    '--duration=0',
    `--exportTimes=${opts.timesJson}`,
    `--exportProfile=${opts.profileJson}`,
    // The profiled pass is separate so per-layer timing does not slow the timed iterations.
    '--separateProfileRun',
  )} 2>&1`;
}
