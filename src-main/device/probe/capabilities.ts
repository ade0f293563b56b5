/**
 * Which precisions each runtime on a device can really run, and which of them are fast, with the
 * reason in words. Bitbench never reports a latency for a precision a device cannot run: TensorRT
 * would silently fall back to a wider type (so the number would lie) or refuse outright, as it does
 * for QDQ INT8 networks on GPUs without INT8 support (Jetson Nano's Maxwell, Pascal).
 */
import { BitbenchError, type PrecisionSupport, type ProbeResult } from '../../api/index.js';

export interface CapabilityInputs {
  arch: string;
  cpuFlags: string[];
  /** CUDA compute capability of the GPU TensorRT would use ("5.3"), or null without one. */
  computeCapability: string | null;
  gpuArch: string | null;
  tensorrt: string | null;
  onnxruntimeNode: string | null;
  onnxruntimePython: string | null;
}

function cpuInt8(arch: string, flags: string[]): { fast: boolean; why: string } {
  const has = (f: string): boolean => flags.includes(f);
  if (/x86_64|amd64/i.test(arch)) {
    if (has('avx512_vnni') || has('avx_vnni')) return { fast: true, why: 'x86 CPU with VNNI: int8 dot products in one instruction' };
    if (has('avx2')) return { fast: true, why: 'x86 CPU with AVX2: ONNX Runtime int8 kernels (u8s8) beat FP32' };
    return { fast: false, why: 'x86 CPU without AVX2: int8 kernels run but are not faster than FP32' };
  }
  if (/aarch64|arm64/i.test(arch)) {
    if (has('asimddp')) return { fast: true, why: 'ARM CPU with dot-product instructions (SDOT/UDOT)' };
    return { fast: false, why: 'ARMv8.0 CPU without dot-product instructions (e.g. Cortex-A57/A72): int8 kernels run but rarely beat FP32' };
  }
  return { fast: false, why: `no int8 fast path known for ${arch}` };
}

function cpuFp16(arch: string, flags: string[]): { runnable: boolean; why: string } {
  if (/aarch64|arm64/i.test(arch) && flags.includes('asimdhp')) {
    return { runnable: true, why: 'ARM CPU with half-precision arithmetic (asimdhp): ONNX Runtime has FP16 kernels' };
  }
  return { runnable: false, why: 'the CPU has no half-precision arithmetic; ONNX Runtime would insert casts and compute in FP32' };
}

function tensorRtPrecisions(cc: string, gpuArch: string | null): PrecisionSupport[] {
  const [major, minor] = cc.split('.').map(Number);
  const sm = major * 10 + minor;
  const gpu = `${gpuArch ?? 'GPU'} (compute capability ${cc})`;
  // TensorRT's platformHasFastFp16: SM 5.3, 6.0, 6.2 and 7.0+; desktop Pascal 6.1 runs FP16 at 1/64 rate.
  const fp16 = sm === 53 || sm === 60 || sm === 62 || sm >= 70;
  // platformHasFastInt8 needs DP4A (SM 6.1) or tensor cores (7.2+ on Jetson, 7.5 desktop); not 5.x, 6.0, 6.2.
  const int8 = sm === 61 || sm >= 70;
  return [
    { runtime: 'tensorrt', precision: 'FP32', runnable: true, fast: true, why: `${gpu}: FP32 baseline` },
    {
      runtime: 'tensorrt',
      precision: 'FP16',
      runnable: fp16,
      fast: fp16,
      why: fp16 ? `${gpu} has native FP16 arithmetic` : `${gpu} has no fast FP16; TensorRT would fall back to FP32, so an FP16 number would be a lie`,
    },
    {
      runtime: 'tensorrt',
      precision: 'INT8',
      runnable: int8,
      fast: int8,
      why: int8
        ? `${gpu} has INT8 support (DP4A or tensor cores)`
        : `${gpu} has no INT8 support; TensorRT refuses to build QDQ INT8 networks on such GPUs`,
    },
  ];
}

/** Derives the precision table from probe facts. */
export function deriveCapabilities(input: CapabilityInputs): PrecisionSupport[] {
  const out: PrecisionSupport[] = [];
  if (input.tensorrt && input.computeCapability) out.push(...tensorRtPrecisions(input.computeCapability, input.gpuArch));
  const ortRuntimes: Array<['onnxruntime-node' | 'onnxruntime-python', string | null]> = [
    ['onnxruntime-node', input.onnxruntimeNode],
    ['onnxruntime-python', input.onnxruntimePython],
  ];
  for (const [runtime, version] of ortRuntimes) {
    if (!version) continue;
    const i8 = cpuInt8(input.arch, input.cpuFlags);
    const f16 = cpuFp16(input.arch, input.cpuFlags);
    out.push(
      { runtime, precision: 'FP32', runnable: true, fast: true, why: 'CPU execution provider: FP32 baseline' },
      { runtime, precision: 'FP16', runnable: f16.runnable, fast: f16.runnable, why: f16.why },
      { runtime, precision: 'INT8', runnable: true, fast: i8.fast, why: `QDQ int8 kernels on the CPU; ${i8.why}` },
    );
  }
  return out;
}

/**
 * Throws UNSUPPORTED_PRECISION, saying why, unless `runtime` on the probed device runs `precision`.
 */
export function requirePrecision(probe: Pick<ProbeResult, 'precisions'>, device: string, runtime: PrecisionSupport['runtime'], precision: PrecisionSupport['precision']): PrecisionSupport {
  const entry = probe.precisions.find((p) => p.runtime === runtime && p.precision === precision);
  if (!entry) {
    throw new BitbenchError('UNSUPPORTED_PRECISION', `${device} has no ${runtime}, so it cannot run ${precision}.`, 'Probe the device again after installing the runtime, or pick another runtime.');
  }
  if (!entry.runnable) {
    throw new BitbenchError('UNSUPPORTED_PRECISION', `${device} cannot run ${precision} with ${runtime}: ${entry.why}.`, 'Choose a precision the device lists as runnable (bitbench device probe NAME).');
  }
  return entry;
}
