/**
 * A fault-injecting TCP proxy for the device tests (node:net): forwards to the real sshd and can
 * cut every live connection after N bytes from the client (a link dropped mid-upload), cut on
 * demand (mid-measurement), or delay each chunk (a slow link).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface FaultProxy {
  port: number;
  /** Bytes forwarded client -> server since start. */
  bytesUp(): number;
  /** Cut all connections once this many more bytes went up (null: never). */
  cutAfterBytes(n: number | null): void;
  /** Destroy every live connection now. */
  cutAll(): void;
  /** Delay each forwarded chunk by this many ms (0: none). */
  setDelay(ms: number): void;
  /** Silently drop everything in both directions (a dead link that never says so), or stop. */
  blackhole(on: boolean): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (free port) forwarding to targetPort. */
export function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const live = new Set<Socket>();
  let up = 0;
  let cutAt: number | null = null;
  let delay = 0;
  let dropping = false;
  const cutAll = (): void => {
    for (const s of live) s.destroy();
    live.clear();
  };
  const pipe = (from: Socket, to: Socket, counting: boolean): void => {
    from.on('data', (chunk: Buffer) => {
      if (dropping) return;
      if (counting) {
        up += chunk.length;
        if (cutAt !== null && up >= cutAt) {
          cutAt = null;
          cutAll();
          return;
        }
      }
      if (delay > 0) {
        from.pause();
        setTimeout(() => {
          if (!to.destroyed) to.write(chunk);
          from.resume();
        }, delay);
      } else if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
  };
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    live.add(client);
    live.add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    pipe(client, upstream, true);
    pipe(upstream, client, false);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as { port: number }).port,
        bytesUp: () => up,
        cutAfterBytes: (n) => (cutAt = n === null ? null : up + n),
        cutAll,
        setDelay: (ms) => (delay = ms),
        blackhole: (on) => (dropping = on),
        close: () =>
          new Promise((r) => {
            cutAll();
            server.close(() => r());
          }),
      });
    });
  });
}
