/**
 * Pure parser for the device state read around every measurement: thermal zones, CPU and GPU
 * clocks, load average and power mode (sections of STATE_SCRIPT).
 */
import type { DeviceState, ThermalZone } from '../../api/index.js';
import { parseNvpmodel } from './parseJetson.js';

/** Lines of `<zone type> <millidegrees>`; zones reporting nonsense (<= -40 °C) are dropped. */
export function parseThermal(text: string): ThermalZone[] {
  const zones: ThermalZone[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.*\S)\s+(-?\d+)$/.exec(line.trim());
    if (!m) continue;
    const celsius = Number(m[2]) / 1000;
    if (celsius > -40) zones.push({ name: m[1], celsius });
  }
  return zones;
}

/** The state sections -> DeviceState; `at` is the device's own clock when it printed one. */
export function parseDeviceState(sections: Record<string, string>, fallbackAt: string): DeviceState {
  const now = (sections.now ?? '').trim();
  // BusyBox date has no %N and prints it literally; such a time is not used.
  const at = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(now) ? now : fallbackAt;
  const cpuMHz = (sections.cpufreq ?? '')
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => Number.isFinite(n) && n > 0)
    .map((khz) => khz / 1000);
  const gpuHz = Number((sections.gpufreq ?? '').trim());
  const load = Number((sections.loadavg ?? '').trim().split(/\s+/)[0]);
  return {
    at,
    cpuMHz,
    gpuMHz: Number.isFinite(gpuHz) && gpuHz > 0 ? gpuHz / 1e6 : null,
    thermal: parseThermal(sections.thermal ?? ''),
    load1: (sections.loadavg ?? '').trim() && Number.isFinite(load) ? load : null,
    powerMode: parseNvpmodel(sections.nvpmodel ?? ''),
  };
}
