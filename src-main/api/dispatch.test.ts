import { describe, expect, it } from 'vitest';
import { dispatchApiCall } from './dispatch.js';
import type { ApiHandlers } from './contract.js';
import { BitbenchError } from './errors.js';

// Only the methods these tests call; the dispatcher never touches the others.
const handlers = {
  'app.info': async () => ({ name: 'Bitbench', version: '1.2.3', mode: 'cli', home: '/h', node: '20', onnxruntime: '1.30.0', platform: 'linux-x64' }),
  'runs.list': async ({ limit }) => {
    if (limit === 13) throw new BitbenchError('NOT_FOUND', 'No such thing.', 'Do something else.');
    // Deliberately malformed output when limit is 7: the dispatcher must refuse it.
    return limit === 7 ? ({ runs: [{ id: 'x' }] } as never) : { runs: [] };
  },
  'devices.list': async () => ({ devices: [] }),
} as Partial<ApiHandlers> as ApiHandlers;

describe('dispatchApiCall', () => {
  it('runs a valid call and returns its validated result', async () => {
    const reply = await dispatchApiCall(handlers, 'app.info', {});
    expect(reply).toEqual({ ok: true, result: expect.objectContaining({ version: '1.2.3' }) });
  });

  it('refuses an unknown method by name', async () => {
    const reply = await dispatchApiCall(handlers, 'fs.readFile', { path: '/etc/passwd' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('refuses prototype keys posing as methods', async () => {
    const reply = await dispatchApiCall(handlers, 'constructor', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('refuses input that does not match the schema, naming the field', async () => {
    const reply = await dispatchApiCall(handlers, 'runs.list', { limit: -1 });
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('BAD_REQUEST');
      expect(reply.error.message).toContain('limit');
    }
  });

  it('refuses unexpected extra fields', async () => {
    const reply = await dispatchApiCall(handlers, 'app.info', { evil: true });
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('passes typed errors through with their hint', async () => {
    const reply = await dispatchApiCall(handlers, 'runs.list', { limit: 13 });
    expect(reply).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No such thing.', hint: 'Do something else.' } });
  });

  it('does not let a handler return data outside the contract', async () => {
    const reply = await dispatchApiCall(handlers, 'runs.list', { limit: 7 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
