/** `bitbench info`: versions, home folder and platform. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerInfoCommand(program: Command, ctx: CliContext): void {
  program
    .command('info')
    .description('show versions, the home folder and the platform')
    .action(async () => {
      const info = await ctx.getBackend().handlers['app.info']({});
      ctx.print(info, () =>
        [
          `Bitbench ${info.version}`,
          `home:        ${info.home}`,
          `node:        ${info.node}`,
          `onnxruntime: ${info.onnxruntime}`,
          `platform:    ${info.platform}`,
        ].join('\n'),
      );
    });
}
