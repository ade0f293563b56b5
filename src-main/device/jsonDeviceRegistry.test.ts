import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonDeviceRegistry } from './jsonDeviceRegistry.js';

const home = mkdtempSync(join(tmpdir(), 'bitbench-reg-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('JsonDeviceRegistry', () => {
  it('always lists this computer, saves, replaces and removes SSH devices', async () => {
    const reg = new JsonDeviceRegistry(home);
    expect((await reg.list()).map((d) => d.name)).toEqual(['this computer']);
    await reg.save({ name: 'nano', kind: 'ssh', host: 'nano.lab', port: 22, user: 'jetson', keyFile: '/k', auth: ['key'], createdAt: 't' });
    await reg.save({ name: 'nano', kind: 'ssh', host: '10.0.0.2', createdAt: 't' });
    const again = new JsonDeviceRegistry(home);
    expect(await again.get('nano')).toEqual({ name: 'nano', kind: 'ssh', host: '10.0.0.2', createdAt: 't' });
    expect((statSync(again.path).mode & 0o777).toString(8)).toBe('600');
    expect(readFileSync(again.path, 'utf8')).not.toMatch(/password|passphrase/);
    expect(await again.remove('nano')).toBe(true);
    expect(await again.remove('nano')).toBe(false);
    await expect(again.remove('this computer')).rejects.toThrow(/built in/);
  });
});
