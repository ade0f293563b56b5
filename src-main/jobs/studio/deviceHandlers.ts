/**
 * API handlers for the device lab: list, add (with trust on first use: an unknown host key comes
 * back as a fingerprint to confirm, never silently accepted), probe, a test measurement, remove.
 */
import { existsSync } from 'node:fs';
import { BitbenchError, LOCAL_DEVICE_NAME, type ApiHandlers, type DeviceSummary } from '../../api/index.js';
import type { DeviceLab } from '../../device/deviceLab.js';
import { HostKeyError } from '../../device/ssh/sshSession.js';

export type DeviceMethods = 'devices.list' | 'devices.add' | 'devices.probe' | 'devices.measure' | 'devices.remove';

export function createDeviceHandlers(lab: DeviceLab, onnxruntimeVersion: string): Pick<ApiHandlers, DeviceMethods> {
  const status = new Map<string, DeviceSummary['status']>();
  return {
    'devices.list': async () => {
      const records = await lab.list();
      // The registry lists this computer first, then the SSH devices.
      const devices: DeviceSummary[] = [
        { name: LOCAL_DEVICE_NAME, kind: 'local', host: null, status: 'ready', description: `${process.platform}-${process.arch}, onnxruntime-node ${onnxruntimeVersion}` },
        ...records.filter((r) => r.kind === 'ssh').map((r) => ({
          name: r.name,
          kind: 'ssh' as const,
          host: r.host ?? null,
          status: status.get(r.name) ?? ('unknown' as const),
          description: `${r.user ? `${r.user}@` : ''}${r.host ?? '?'}${r.port && r.port !== 22 ? `:${r.port}` : ''}`,
        })),
      ];
      return { devices };
    },
    'devices.add': async ({ password, trustFingerprint, ...input }) => {
      if (password !== undefined) await lab.secrets.set(input.name, 'password', password);
      try {
        const auth: Array<'agent' | 'key' | 'password'> = input.keyFile ? ['key'] : password !== undefined ? ['password'] : ['agent', 'key'];
        const { record, fingerprint } = await lab.add({ ...input, auth }, { trustFingerprint });
        status.set(record.name, 'ready');
        return { status: 'added' as const, device: record, fingerprint };
      } catch (error) {
        if (error instanceof HostKeyError && error.code === 'HOST_KEY_UNKNOWN' && !trustFingerprint) {
          return { status: 'needs-trust' as const, fingerprint: error.fingerprint, keyType: error.keyType, message: error.message };
        }
        throw error;
      }
    },
    'devices.probe': async ({ name }) => {
      try {
        const probe = await lab.probe(name);
        status.set(name, 'ready');
        return probe;
      } catch (error) {
        status.set(name, error instanceof BitbenchError && error.code === 'DEVICE_UNREACHABLE' ? 'unreachable' : 'error');
        throw error;
      }
    },
    'devices.measure': async ({ name, modelPath, runs, warmup }) => {
      if (!existsSync(modelPath)) throw new BitbenchError('NOT_FOUND', `There is no model file at ${modelPath}.`, 'Give the path of an .onnx file on this computer; Bitbench uploads it to the device.');
      return lab.measure(name, modelPath, { runs: runs ?? 30, warmup: warmup ?? 5 });
    },
    'devices.remove': async ({ name }) => {
      if (name === LOCAL_DEVICE_NAME) throw new BitbenchError('BAD_REQUEST', 'This computer is built in and cannot be removed.');
      status.delete(name);
      return { ok: await lab.remove(name) };
    },
  };
}
