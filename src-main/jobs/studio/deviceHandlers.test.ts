import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../backend.js';

describe('device handlers', () => {
  it('list this computer exactly once, ready', async () => {
    const backend = createBackend({ home: mkdtempSync(join(tmpdir(), 'bb-dev-')), mode: 'cli' });
    try {
      const { devices } = await backend.handlers['devices.list']({});
      expect(devices.filter((d) => d.name === 'this computer')).toHaveLength(1);
      expect(devices[0]).toMatchObject({ kind: 'local', status: 'ready' });
    } finally {
      await backend.close();
    }
  });

  it('refuse to remove this computer', async () => {
    const backend = createBackend({ home: mkdtempSync(join(tmpdir(), 'bb-dev-')), mode: 'cli' });
    try {
      await expect(backend.handlers['devices.remove']({ name: 'this computer' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    } finally {
      await backend.close();
    }
  });

  it('report an unreachable device as such, quickly', async () => {
    const backend = createBackend({ home: mkdtempSync(join(tmpdir(), 'bb-dev-')), mode: 'cli' });
    try {
      const t0 = Date.now();
      // Port 1 on loopback: nothing listens there, so the connection is refused at once.
      await expect(backend.handlers['devices.add']({ name: 'nowhere', host: '127.0.0.1', port: 1 })).rejects.toMatchObject({ code: 'DEVICE_UNREACHABLE' });
      expect(Date.now() - t0).toBeLessThan(15_000);
      const { devices } = await backend.handlers['devices.list']({});
      expect(devices.map((d) => d.name)).not.toContain('nowhere');
    } finally {
      await backend.close();
    }
  });
});
