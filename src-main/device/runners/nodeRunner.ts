/**
 * The script runners' contract on this side (Node runner and the python3 runner share it): where
 * the scripts live, the arguments they take and the one JSON line they print (validated, since it
 * crosses a process and maybe a network boundary).
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BitbenchError } from '../../api/index.js';

/** resources/runners/node-runner.cjs in the source tree. */
export const NODE_RUNNER_PATH = fileURLToPath(new URL('../../../resources/runners/node-runner.cjs', import.meta.url));
/** resources/runners/ort_runner.py: same arguments and result line, for python3 with onnxruntime. */
export const PYTHON_RUNNER_PATH = fileURLToPath(new URL('../../../resources/runners/ort_runner.py', import.meta.url));

export interface RunnerRequest {
  warmup: number;
  runs: number;
  /** Time for this long instead of a fixed number of runs. */
  durationMs?: number;
  /** Also collect per-node times from onnxruntime's profiler (a separate pass). */
  profile?: boolean;
  threads?: number;
}

export const RunnerOutput = z.object({
  ok: z.literal(true),
  runtime: z.string(),
  ortVersion: z.string().nullable(),
  samplesMs: z.array(z.number()).min(1),
  runnerMs: z.number(),
  warmup: z.number(),
  nodeMs: z.record(z.string(), z.number()).optional(),
});
export type RunnerOutput = z.infer<typeof RunnerOutput>;

/** Runner arguments (each one becomes a separate, quoted argv entry). */
export function nodeRunnerArgs(model: string, req: RunnerRequest, extra: { ort?: string | null; pidfile?: string; profileDir?: string }): string[] {
  const args = ['--model', model, '--warmup', String(req.warmup), '--runs', String(req.runs)];
  if (req.durationMs) args.push('--duration-ms', String(req.durationMs));
  if (req.threads) args.push('--threads', String(req.threads));
  if (req.profile && extra.profileDir) args.push('--profile-dir', extra.profileDir);
  if (extra.ort) args.push('--ort', extra.ort);
  if (extra.pidfile) args.push('--pidfile', extra.pidfile);
  return args;
}

/** Parses the runner's stdout (its last line); failures become DEVICE_ERROR with the runner's words. */
export function parseRunnerOutput(stdout: string, stderr: string, device: string): RunnerOutput {
  const last = stdout.trim().split('\n').pop() ?? '';
  let value: unknown;
  try {
    value = JSON.parse(last);
  } catch {
    throw new BitbenchError('DEVICE_ERROR', `The runner on ${device} printed no result.${stderr.trim() ? ` It said: ${stderr.trim().slice(0, 500)}` : ''}`);
  }
  const failed = value as { ok?: boolean; error?: string };
  if (failed.ok === false) throw new BitbenchError('DEVICE_ERROR', `The runner on ${device} failed: ${failed.error}`, 'Check that the model runs with onnxruntime on this device.');
  const parsed = RunnerOutput.safeParse(value);
  if (!parsed.success) throw new BitbenchError('DEVICE_ERROR', `The runner on ${device} returned an unexpected result: ${parsed.error.message}`);
  return parsed.data;
}
