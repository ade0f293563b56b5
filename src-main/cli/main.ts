/**
 * The `bitbench` command line: global options (--home, --json), one module per command, clear
 * messages and non-zero exits for unknown commands, bad flags and user errors.
 */
import { Command, CommanderError } from 'commander';
import { formatErrorForTerminal, toErrorInfo } from '../api/index.js';
import { getVersions } from '../jobs/versions.js';
import { CliContext, type CliIo } from './context.js';
import { registerInfoCommand } from './commands/info.js';
import { registerWebCommand } from './commands/web.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerSearchCommand } from './commands/search.js';
import { registerRunsCommand } from './commands/runs.js';
import { registerInspectCommand } from './commands/inspect.js';
import { registerEvaluateCommand } from './commands/evaluate.js';
import { registerExportCommand } from './commands/export.js';
import { registerDeviceCommand } from './commands/device.js';
import { registerReportCommand } from './commands/report.js';

/** Exit codes: 0 ok, 1 the work failed (a user error with a message), 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('bitbench');
  program
    .description('Bitbench: mixed-precision quantization studio with on-device latency')
    .version(getVersions().app, '-v, --version', 'print the version')
    .option('--home <dir>', 'where Bitbench keeps its database and artifacts (or BITBENCH_HOME)')
    .option('--json', 'print machine-readable JSON')
    .showHelpAfterError('(run bitbench --help for the list of commands and options)')
    .configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) })
    .exitOverride();
  registerInfoCommand(program, ctx);
  registerWebCommand(program, ctx);
  registerDemoCommand(program, ctx);
  registerSearchCommand(program, ctx);
  registerRunsCommand(program, ctx);
  registerInspectCommand(program, ctx);
  registerEvaluateCommand(program, ctx);
  registerExportCommand(program, ctx);
  registerDeviceCommand(program, ctx);
  registerReportCommand(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) }).showHelpAfterError();
  return program;
}

/** Runs the CLI on argv (without the node and script entries); returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let program: Command | undefined;
  const ctx = new CliContext(io, () => (program?.opts() ?? {}) as { home?: string; json?: boolean });
  program = buildProgram(ctx);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    const info = toErrorInfo(error);
    if (ctx.json) io.stderr(JSON.stringify({ error: info }) + '\n');
    else io.stderr(formatErrorForTerminal(info) + '\n');
    return EXIT_FAILED;
  } finally {
    await ctx.close();
  }
}
