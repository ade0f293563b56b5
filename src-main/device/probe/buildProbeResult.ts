/**
 * Turns the sections of a probe's output into a ProbeResult: every fact through a pure parser,
 * then the derived precision table. Used for SSH devices and for this computer alike.
 */
import type { ProbeResult, RuntimeInfo } from '../../api/index.js';
import { deriveCapabilities } from './capabilities.js';
import { jetsonGpuFromModel, parseDeviceTreeModel, parseNvpmodel, parseTegraRelease, parseTensorRtVersion } from './parseJetson.js';
import { parseThermal } from './parseState.js';
import { parseCpuinfo, parseKernel, parseMeminfo, parseOsRelease } from './parseSystem.js';

function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Builds the probe result from `splitSections(PROBE_SCRIPT output)`. */
export function buildProbeResult(s: Record<string, string>, probedAt: string): ProbeResult {
  const uname = (s.uname ?? '').trim();
  const arch = (s.arch ?? '').trim() || uname.split(/\s+/).at(-2) || 'unknown';
  const cpu = parseCpuinfo(s.cpuinfo ?? '', Number(s.nproc) || undefined);
  const dtModel = parseDeviceTreeModel(s.dtmodel ?? '');
  const l4t = parseTegraRelease(s.tegra ?? '');
  const jetsonGpu = dtModel && /jetson|orin|xavier/i.test(dtModel) ? jetsonGpuFromModel(dtModel) : l4t ? jetsonGpuFromModel(dtModel ?? '') : null;
  const smi = lines(s.nvidiasmi)[0]?.split(',').map((x) => x.trim());
  const trt = lines(s.trtexec);
  const trtPath = trt[0]?.startsWith('/') ? trt[0] : null;
  const trtVersion = trtPath ? (parseTensorRtVersion(s.trtexec ?? '') ?? parseTensorRtVersion(s.tensorrtpkg ?? '')) : null;
  const py = lines(s.python);
  const node = lines(s.node);
  const pyOrt = lines(s.pyort)[0] ?? null;
  const nodeOrt = lines(s.nodeort)[0] ?? null;
  const runtimes: RuntimeInfo[] = [];
  if (trtPath) runtimes.push({ name: 'tensorrt', version: trtVersion, path: trtPath });
  if (py[0]?.startsWith('/')) runtimes.push({ name: 'python3', version: py[1]?.replace(/^Python\s+/, '') ?? null, path: py[0] });
  if (pyOrt) runtimes.push({ name: 'onnxruntime-python', version: pyOrt, path: null });
  if (node[0]?.startsWith('/')) runtimes.push({ name: 'node', version: node[1]?.replace(/^v/, '') ?? null, path: node[0] });
  if (nodeOrt) runtimes.push({ name: 'onnxruntime-node', version: nodeOrt, path: null });
  const computeCapability = jetsonGpu?.computeCapability ?? smi?.[1] ?? null;
  return {
    probedAt,
    os: parseOsRelease(s.osrelease ?? '', uname.split(/\s+/)[0] ?? 'unknown'),
    kernel: parseKernel(uname),
    arch,
    hostname: (s.hostname ?? '').trim(),
    cpu: { model: cpu.model, cores: cpu.cores, flags: cpu.flags },
    memoryMiB: parseMeminfo(s.meminfo ?? ''),
    jetson:
      jetsonGpu && dtModel
        ? { model: dtModel, l4t, gpuArch: jetsonGpu.gpuArch, computeCapability: jetsonGpu.computeCapability, powerMode: parseNvpmodel(s.nvpmodel ?? '') ?? parseNvpmodel(s.jetsonclocks ?? '') }
        : null,
    boardModel: dtModel ?? cpu.boardHint,
    gpu: jetsonGpu ? `${jetsonGpu.gpuArch} (integrated, compute capability ${jetsonGpu.computeCapability})` : smi ? `${smi[0]} (compute capability ${smi[1]})` : null,
    thermal: parseThermal(s.thermal ?? ''),
    runtimes,
    precisions: deriveCapabilities({
      arch,
      cpuFlags: cpu.flags,
      computeCapability,
      gpuArch: jetsonGpu?.gpuArch ?? (smi ? smi[0] : null),
      tensorrt: trtVersion ?? (trtPath ? 'unknown' : null),
      // A device with Node on x86_64/aarch64 gets onnxruntime-node uploaded on first use (provisioning).
      onnxruntimeNode: nodeOrt ?? (node[0]?.startsWith('/') && /^(x86_64|amd64|aarch64|arm64)$/.test(arch) ? 'provisioned' : null),
      onnxruntimePython: pyOrt,
    }),
  };
}
