import { describe, expect, it } from 'vitest';
import { DeviceQueue } from './deviceQueue.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DeviceQueue', () => {
  it('serializes jobs on one device and runs different devices concurrently', async () => {
    const q = new DeviceQueue();
    const log: string[] = [];
    const job = (device: string, id: string, ms: number) =>
      q.run(device, async () => {
        log.push(`start ${id}`);
        await sleep(ms);
        log.push(`end ${id}`);
        return id;
      });
    const results = await Promise.all([job('nano', 'a1', 40), job('nano', 'a2', 10), job('orin', 'b1', 10)]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    // b1 (other device) starts before a1 ends; a2 (same device) only after a1 ends.
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(q.pending('nano')).toBe(0);
  });

  it('keeps going after a failed job', async () => {
    const q = new DeviceQueue();
    const failed = q.run('nano', async () => {
      throw new Error('boom');
    });
    const ok = q.run('nano', async () => 'fine');
    await expect(failed).rejects.toThrow('boom');
    expect(await ok).toBe('fine');
  });
});
