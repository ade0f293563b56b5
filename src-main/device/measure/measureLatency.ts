/**
 * The measurement protocol on any device: state before, warm-up, N timed runs (or a duration), state
 * after, statistics, a stability verdict. A run cut by a lost connection is restarted once after
 * reconnecting, and only a complete run's samples are kept, so no sample is lost or counted twice.
 * Precisions are checked against the device's probe first: no number for what it cannot run.
 */
import { basename } from 'node:path';
import { BitbenchError, type MeasureResult, type ProbeResult } from '../../api/index.js';
import { sha256File } from '../deploy/contentHash.js';
import type { MeasurableDevice, RunnerRun } from '../measurableDevice.js';
import { requirePrecision } from '../probe/capabilities.js';
import type { RunnerRequest } from '../runners/nodeRunner.js';
import type { TrtexecRequest } from '../runners/trtexecRunner.js';
import type { TrtPrecision } from '../trtexec/trtexecCommand.js';
import { judgeStability, summarizeLatency } from './latencyStats.js';
import { readFileSync } from 'node:fs';

export interface MeasureOptions extends Partial<RunnerRequest> {
  /** A probe of the device; measured if missing. */
  probe?: ProbeResult;
  signal?: AbortSignal;
  /** Restarts after a lost connection (default 1). */
  retries?: number;
  /** The python3 onnxruntime runner instead of the Node runner (SSH devices). */
  python?: boolean;
  /** TensorRT instead of the Node runner (SSH devices with trtexec): the precision to build. */
  tensorrt?: { precision: TrtPrecision; warmupMs?: number; layers?: string[] };
}

/** A device that can also time TensorRT engines. */
interface TensorRtCapable {
  runTrtexec(probe: ProbeResult, modelPath: string, request: TrtexecRequest, signal?: AbortSignal): Promise<RunnerRun>;
}

/** A device that can run the python3 onnxruntime runner. */
interface PythonCapable {
  runPythonRunner(modelPath: string, request: RunnerRequest, signal?: AbortSignal): Promise<RunnerRun>;
}

/**
 * The runtime precisions a model file uses: INT8 when it holds QuantizeLinear/DequantizeLinear
 * nodes (QDQ format), else FP32. A byte search is enough: op types are plain strings in the protobuf.
 */
export function modelPrecisions(modelPath: string): Array<'FP32' | 'INT8'> {
  const bytes = readFileSync(modelPath);
  return bytes.includes('DequantizeLinear') || bytes.includes('QLinearConv') ? ['INT8'] : ['FP32'];
}

/** Measures a model's latency on a device with the Node runner. */
export async function measureLatency(device: MeasurableDevice, modelPath: string, options: MeasureOptions = {}): Promise<MeasureResult> {
  const started = performance.now();
  const request: RunnerRequest = {
    warmup: options.warmup ?? 10,
    runs: options.runs ?? 50,
    durationMs: options.durationMs,
    profile: options.profile,
    threads: options.threads,
  };
  const probe = options.probe ?? (await device.probe());
  const trt = options.tensorrt;
  // A QDQ model is INT8 whatever the runtime; for TensorRT the build precision is the caller's.
  const precisions: string[] = trt ? [...new Set([trt.precision, ...modelPrecisions(modelPath).filter((p) => p === 'INT8')])] : modelPrecisions(modelPath);
  const runtime = trt ? 'tensorrt' : options.python ? 'onnxruntime-python' : 'onnxruntime-node';
  for (const p of precisions) requirePrecision(probe, device.name, runtime, p as 'FP32' | 'FP16' | 'INT8');
  const run = (): Promise<RunnerRun> => {
    if (options.python) {
      const capable = device as Partial<PythonCapable>;
      if (!capable.runPythonRunner) throw new BitbenchError('UNSUPPORTED_PRECISION', `${device.name} has no python3 runner.`, 'Use the Node runner on this device.');
      return capable.runPythonRunner(modelPath, request, options.signal);
    }
    if (!trt) return device.runNodeRunner(modelPath, request, options.signal);
    const capable = device as Partial<TensorRtCapable>;
    if (!capable.runTrtexec) throw new BitbenchError('UNSUPPORTED_PRECISION', `${device.name} cannot run TensorRT.`, 'Use an SSH device with TensorRT, or the Node runner.');
    return capable.runTrtexec(probe, modelPath, { precision: trt.precision, iterations: request.runs, warmupMs: trt.warmupMs ?? 500, layers: trt.layers }, options.signal);
  };

  let retries = 0;
  let uploadedBytes = 0;
  for (;;) {
    try {
      const result = await run();
      const { before, after } = result;
      uploadedBytes += result.uploadedBytes;
      const samples = result.output.samplesMs;
      const { stats, cv } = summarizeLatency(samples);
      const reasons = judgeStability(cv, samples.length, before, after, probe.cpu.cores);
      return {
        device: device.name,
        model: basename(modelPath),
        modelSha256: await sha256File(modelPath),
        runtime: `${result.output.runtime} ${result.output.ortVersion ?? ''}`.trim(),
        precisions,
        latencyMs: stats,
        cv,
        runs: samples.length,
        warmup: trt ? 0 : request.warmup,
        unstable: reasons.length > 0,
        unstableReasons: reasons,
        state: { before, after },
        samplesMs: samples,
        nodeMs: result.output.nodeMs,
        uploadedBytes,
        wallMs: performance.now() - started,
        runnerMs: result.output.runnerMs,
        retries,
      };
    } catch (error) {
      const lost = error instanceof BitbenchError && error.code === 'DEVICE_UNREACHABLE';
      if (!lost || retries >= (options.retries ?? 1) || options.signal?.aborted) throw error;
      retries++;
      await device.reset();
    }
  }
}
