/** `bitbench web`: serve the UI and the API in a browser (localhost by default). */
import { InvalidArgumentError, type Command } from 'commander';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend } from '../../jobs/backend.js';
import { isLoopback, REPORTS_PREFIX, startWebServer } from '../../web/server.js';
import type { CliContext } from '../context.js';

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return n;
}

/** The built renderer lives in out/renderer at the project root. */
export function defaultRendererDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'out', 'renderer');
}

export function registerWebCommand(program: Command, ctx: CliContext): void {
  program
    .command('web')
    .description('serve the studio in a browser: the UI and the API on one port')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 5170)
    .option('--host <address>', 'address to bind; anything but loopback requires the printed token', '127.0.0.1')
    .option('--token <token>', 'access token to require (generated when binding beyond loopback)')
    .action(async (opts: { port: number; host: string; token?: string }) => {
      const backend = createBackend({ home: ctx.homeDir, mode: 'web', reportUrlPrefix: REPORTS_PREFIX });
      const server = await startWebServer({ backend, rendererDir: defaultRendererDir(), host: opts.host, port: opts.port, token: opts.token });
      ctx.print({ url: server.url, openUrl: server.openUrl, home: backend.home.root }, () =>
        [
          `Bitbench is serving on ${server.openUrl}`,
          isLoopback(opts.host) ? '(only this computer can connect)' : 'Anyone with the token above can use this studio; keep it private.',
          `home: ${backend.home.root}`,
          'Press Ctrl+C to stop.',
        ].join('\n'),
      );
      await new Promise<void>((resolveStop) => {
        const stop = () => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await backend.close();
    });
}
