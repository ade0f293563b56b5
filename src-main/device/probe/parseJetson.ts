/**
 * Pure parsers for NVIDIA Jetson facts: the device-tree model (NUL-terminated), the L4T release
 * line, `nvpmodel -q`, `jetson_clocks --show`, and the GPU generation each Jetson module carries,
 * which is what decides the precisions TensorRT can run fast there.
 */

/** The device-tree model string without its trailing NUL (the kernel writes a C string). */
export function parseDeviceTreeModel(raw: string): string | null {
  const text = raw.replace(/\0+$/, '').replace(/\0/g, ' ').trim();
  return text || null;
}

/** `# R32 (release), REVISION: 7.1, ...` -> `32.7.1`. */
export function parseTegraRelease(text: string): string | null {
  const m = /#\s*R(\d+)\s*\(release\),\s*REVISION:\s*([\d.]+)/.exec(text);
  return m ? `${m[1]}.${m[2]}` : null;
}

/** `nvpmodel -q`: the line `NV Power Mode: MAXN` (the next line holds the mode number). */
export function parseNvpmodel(text: string): string | null {
  const m = /NV Power Mode:\s*(.+)/.exec(text);
  return m ? m[1].trim() : null;
}

export interface JetsonClocks {
  cpuMHz: number[];
  gpuMHz: number | null;
  emcMHz: number | null;
  powerMode: string | null;
}

/** `jetson_clocks --show`: per-CPU CurrentFreq (kHz), GPU and EMC CurrentFreq (Hz), power mode. */
export function parseJetsonClocks(text: string): JetsonClocks {
  const cpuMHz = [...text.matchAll(/^cpu\d+:.*?CurrentFreq=(\d+)/gm)].map((m) => Number(m[1]) / 1000);
  const gpu = /^GPU\b.*?CurrentFreq=(\d+)/m.exec(text);
  const emc = /^EMC\b.*?CurrentFreq=(\d+)/m.exec(text);
  return {
    cpuMHz,
    gpuMHz: gpu ? Number(gpu[1]) / 1e6 : null,
    emcMHz: emc ? Number(emc[1]) / 1e6 : null,
    powerMode: parseNvpmodel(text),
  };
}

export interface JetsonGpu {
  gpuArch: string;
  computeCapability: string;
}

/**
 * The GPU of each Jetson module, from its device-tree model. Order matters: "Orin Nano" must not be
 * read as "Nano".
 */
export function jetsonGpuFromModel(model: string): JetsonGpu | null {
  const m = model.toLowerCase();
  if (m.includes('orin')) return { gpuArch: 'Ampere', computeCapability: '8.7' };
  if (m.includes('xavier')) return { gpuArch: 'Volta', computeCapability: '7.2' };
  if (m.includes('tx2')) return { gpuArch: 'Pascal', computeCapability: '6.2' };
  if (m.includes('nano') || m.includes('tx1')) return { gpuArch: 'Maxwell', computeCapability: '5.3' };
  if (m.includes('thor')) return { gpuArch: 'Blackwell', computeCapability: '11.0' };
  return null;
}

/** `[TensorRT v8201]` or `TensorRT v100300` as trtexec prints it -> `8.2.1` / `10.3.0`. */
export function parseTensorRtVersion(text: string): string | null {
  const m = /TensorRT v(\d+)/.exec(text);
  if (m) {
    const n = m[1];
    // TensorRT 8 encodes MAJOR*1000+MINOR*100+PATCH; TensorRT 10 uses MAJOR*10000+MINOR*100+PATCH.
    const v = Number(n);
    if (n.length >= 6) return `${Math.floor(v / 10000)}.${Math.floor((v % 10000) / 100)}.${v % 100}`;
    return `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 100)}.${v % 100}`;
  }
  const pkg = /(?:tensorrt|libnvinfer\d+)\s+(\d+\.\d+\.\d+)/.exec(text);
  return pkg ? pkg[1] : null;
}
