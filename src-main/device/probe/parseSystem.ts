/**
 * Pure parsers for the generic Linux facts of a probe: uname, /etc/os-release, /proc/cpuinfo
 * (x86 and ARM layouts), /proc/meminfo.
 */

export interface CpuFacts {
  model: string;
  cores: number;
  flags: string[];
  /** "Hardware"/"Model" lines some ARM kernels print (Raspberry Pi). */
  boardHint: string | null;
}

/** ARM CPU part numbers (implementer 0x41 = Arm) to core names, for cpuinfo files with no model name. */
const ARM_PARTS: Record<string, string> = {
  '0xd03': 'Cortex-A53',
  '0xd04': 'Cortex-A35',
  '0xd05': 'Cortex-A55',
  '0xd07': 'Cortex-A57',
  '0xd08': 'Cortex-A72',
  '0xd09': 'Cortex-A73',
  '0xd0a': 'Cortex-A75',
  '0xd0b': 'Cortex-A76',
  '0xd0c': 'Neoverse-N1',
  '0xd41': 'Cortex-A78',
  '0xd42': 'Cortex-A78AE',
  '0xd4b': 'Cortex-A78C',
};

function field(block: string, name: string, flags = 'mi'): string | null {
  const m = new RegExp(`^${name}\\s*:\\s*(.*)$`, flags).exec(block);
  return m ? m[1].trim() : null;
}

/** Parses /proc/cpuinfo: model, logical core count, feature flags. */
export function parseCpuinfo(text: string, nproc?: number): CpuFacts {
  const processors = text.split(/\n\s*\n/).filter((b) => /^processor\s*:/mi.test(b));
  const first = processors[0] ?? text;
  let model = field(first, 'model name') ?? field(text, 'model name') ?? field(text, 'Processor') ?? '';
  const implementer = field(first, 'CPU implementer');
  const part = field(first, 'CPU part');
  if (implementer === '0x41' && part && ARM_PARTS[part]) {
    // ARM kernels print "ARMv8 Processor rev 1 (v8l)" or nothing; the part number names the core.
    model = ARM_PARTS[part];
  } else if (implementer === '0x4e' && part === '0x004') model = 'NVIDIA Carmel';
  const flagsLine = field(first, 'flags') ?? field(first, 'Features') ?? '';
  // Case-sensitive: Raspberry Pi kernels print "Model : Raspberry Pi 4 ...", while x86 prints a
  // lower-case "model : 17" (the CPU model number), which is not a board.
  const boardHint = field(text, 'Model', 'm') ?? field(text, 'Hardware', 'm');
  return {
    model: model || 'unknown CPU',
    cores: processors.length || nproc || 1,
    flags: flagsLine.split(/\s+/).filter(Boolean),
    boardHint,
  };
}

/** MemTotal from /proc/meminfo in MiB. */
export function parseMeminfo(text: string): number {
  const m = /^MemTotal:\s*(\d+)\s*kB/m.exec(text);
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

/** PRETTY_NAME from /etc/os-release, else the kernel name. */
export function parseOsRelease(text: string, fallback: string): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text);
  return m ? m[1] : fallback;
}

/** The kernel release from `uname -a` (third field). */
export function parseKernel(unameA: string): string {
  return unameA.trim().split(/\s+/)[2] ?? '';
}
