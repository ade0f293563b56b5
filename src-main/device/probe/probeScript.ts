/**
 * The probe as one remote shell script: every fact Bitbench wants is printed under a
 * `@@bitbench:<section>` marker in a single round trip, errors silenced, so a board missing a tool
 * just yields an empty section. The same section text is what the parsers and their fixtures use.
 */

const MARK = '@@bitbench:';

/**
 * Device state sections only: cheap enough to read right before and after every measurement.
 * `prefix` names the sections apart when the state is read twice in one script (before/after).
 */
export function stateScript(prefix = ''): string {
  const MARK_P = `${MARK}${prefix}`;
  return [
  `echo ${MARK_P}thermal; for z in /sys/class/thermal/thermal_zone*; do [ -r "$z/temp" ] && printf '%s %s\\n' "$(cat "$z/type" 2>/dev/null)" "$(cat "$z/temp" 2>/dev/null)"; done`,
  `echo ${MARK_P}cpufreq; cat /sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_cur_freq 2>/dev/null`,
  `echo ${MARK_P}gpufreq; cat /sys/devices/gpu.0/devfreq/*/cur_freq /sys/devices/platform/gpu.0/devfreq/*/cur_freq 2>/dev/null | head -1`,
  `echo ${MARK_P}loadavg; cat /proc/loadavg 2>/dev/null`,
  `echo ${MARK_P}nvpmodel; nvpmodel -q 2>/dev/null`,
  `echo ${MARK_P}now; date -u +%Y-%m-%dT%H:%M:%S.%3NZ 2>/dev/null`,
  ].join('\n');
}

export const STATE_SCRIPT = stateScript();

/** Sections `<prefix><name>` of a split output, with the prefix removed. */
export function sectionsWithPrefix(sections: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(sections).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** The marker line that starts a section, for scripts that add their own sections. */
export function sectionMarker(name: string): string {
  return `${MARK}${name}`;
}

/** Everything the probe reads (DESIGN.md section 5), then the state sections. */
export const PROBE_SCRIPT = [
  `echo ${MARK}uname; uname -a`,
  `echo ${MARK}arch; uname -m`,
  `echo ${MARK}hostname; uname -n`,
  `echo ${MARK}osrelease; cat /etc/os-release 2>/dev/null`,
  `echo ${MARK}cpuinfo; cat /proc/cpuinfo 2>/dev/null`,
  `echo ${MARK}nproc; nproc 2>/dev/null`,
  `echo ${MARK}meminfo; cat /proc/meminfo 2>/dev/null`,
  `echo ${MARK}dtmodel; cat /proc/device-tree/model 2>/dev/null`,
  `echo ${MARK}tegra; cat /etc/nv_tegra_release 2>/dev/null`,
  `echo ${MARK}jetsonclocks; jetson_clocks --show 2>/dev/null`,
  `echo ${MARK}nvidiasmi; nvidia-smi --query-gpu=name,compute_cap --format=csv,noheader 2>/dev/null`,
  // trtexec is not on PATH on JetPack; run without arguments it prints its TensorRT version.
  `echo ${MARK}trtexec; for t in /usr/src/tensorrt/bin/trtexec "$(command -v trtexec 2>/dev/null)"; do if [ -x "$t" ]; then echo "$t"; "$t" 2>&1 | head -5; break; fi; done`,
  `echo ${MARK}tensorrtpkg; dpkg-query -W -f='\${Package} \${Version}\\n' tensorrt libnvinfer8 libnvinfer10 2>/dev/null`,
  `echo ${MARK}python; command -v python3 && python3 --version 2>&1`,
  `echo ${MARK}pyort; python3 -c 'import onnxruntime as o; print(o.__version__)' 2>/dev/null`,
  `echo ${MARK}node; command -v node && node --version 2>&1`,
  `echo ${MARK}nodeort; node -p 'require("onnxruntime-node/package.json").version' 2>/dev/null`,
  STATE_SCRIPT,
].join('\n');

/** Splits probe output into its sections (section name -> text without the trailing newline). */
export function splitSections(output: string): Record<string, string> {
  const sections: Record<string, string> = {};
  let current: string | null = null;
  let lines: string[] = [];
  const flush = (): void => {
    if (current !== null) sections[current] = lines.join('\n').replace(/\n+$/, '');
  };
  for (const line of output.split('\n')) {
    if (line.startsWith(MARK)) {
      flush();
      current = line.slice(MARK.length).trim();
      lines = [];
    } else if (current !== null) lines.push(line);
  }
  flush();
  return sections;
}
