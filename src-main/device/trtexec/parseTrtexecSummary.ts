/**
 * Parser for trtexec's text output: the TensorRT version from the `&&&& RUNNING` line, PASSED or
 * FAILED, the `=== Performance summary ===` statistics (TensorRT 8.2 prints only the 99th
 * percentile; 8.6 and 10.x print 90/95/99), and the build errors that mean "this GPU cannot run
 * this precision", which become UNSUPPORTED_PRECISION rather than a number.
 */
import { BitbenchError } from '../../api/index.js';
import { parseTensorRtVersion } from '../probe/parseJetson.js';

export interface TrtStats {
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Percentiles by their number: { 90: ms, 95: ms, 99: ms }. */
  percentiles: Record<number, number>;
}

export interface TrtexecSummary {
  tensorrt: string | null;
  passed: boolean;
  throughputQps: number | null;
  /** Host latency (H2D + compute + D2H) per inference. */
  latency: TrtStats | null;
  gpuCompute: TrtStats | null;
  enqueue: TrtStats | null;
  /** Coefficient of variation of GPU compute time, when trtexec warns about it (TensorRT 8.6+). */
  cv: number | null;
  errors: string[];
}

function parseStats(text: string): TrtStats | null {
  const value = (key: string): number | undefined => {
    const m = new RegExp(`\\b${key} = ([\\d.eE+-]+) ms`).exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const min = value('min');
  const max = value('max');
  const mean = value('mean');
  const median = value('median');
  if (min === undefined || max === undefined || mean === undefined || median === undefined) return null;
  const percentiles: Record<number, number> = {};
  for (const m of text.matchAll(/percentile\((\d+(?:\.\d+)?)%\) = ([\d.eE+-]+) ms/g)) percentiles[Number(m[1])] = Number(m[2]);
  return { min, max, mean, median, percentiles };
}

/** Parses trtexec's stdout+stderr. */
export function parseTrtexecSummary(output: string): TrtexecSummary {
  const line = (label: string): string | undefined => output.split('\n').find((l) => new RegExp(`\\] ${label}: `).test(l) || l.startsWith(`${label}: `));
  const throughput = /Throughput: ([\d.]+) qps/.exec(output);
  const cv = /coefficient of variance = ([\d.]+)%/.exec(output);
  return {
    tensorrt: parseTensorRtVersion(output),
    passed: /&&&& PASSED/.test(output),
    throughputQps: throughput ? Number(throughput[1]) : null,
    latency: parseStats(line('Latency') ?? ''),
    gpuCompute: parseStats(line('GPU Compute Time') ?? ''),
    enqueue: parseStats(line('Enqueue Time') ?? ''),
    cv: cv ? Number(cv[1]) / 100 : null,
    errors: output.split('\n').filter((l) => /\[E\]/.test(l)).map((l) => l.replace(/^.*?\[E\]\s*/, '')),
  };
}

/**
 * Throws the right typed error for a failed trtexec run: UNSUPPORTED_PRECISION when TensorRT
 * refused the precision on this GPU (QDQ or INT8 without INT8 support, FP16 without fast FP16),
 * DEVICE_ERROR otherwise.
 */
export function assertTrtexecPassed(summary: TrtexecSummary, device: string): void {
  if (summary.passed) return;
  const all = summary.errors.join('\n');
  if (/(QDQ|explicit quantization|INT8).*not supported|without (native )?INT8|does not support INT8/i.test(all)) {
    throw new BitbenchError('UNSUPPORTED_PRECISION', `TensorRT ${summary.tensorrt ?? ''} on ${device} refused the INT8 (QDQ) network: the GPU has no INT8 support.`.replace('  ', ' '), 'Measure FP16 or FP32 on this device; INT8 needs a GPU with INT8 (Pascal sm 6.1, Volta/Xavier or newer).');
  }
  if (/FP16.*not supported|half.*not supported/i.test(all)) {
    throw new BitbenchError('UNSUPPORTED_PRECISION', `TensorRT on ${device} has no fast FP16 on this GPU.`, 'Measure FP32 on this device.');
  }
  throw new BitbenchError('DEVICE_ERROR', `trtexec failed on ${device}: ${summary.errors.at(-1) ?? 'no error message'}`, 'Run the same trtexec command on the device to see the full log.');
}
