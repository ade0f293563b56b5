/**
 * POSIX shell quoting for every argument Bitbench sends to a remote shell. A remote command is one
 * string that the remote login shell parses, so each argument is wrapped in single quotes (inside
 * which nothing is special) and embedded single quotes become '\''. Model names, run ids and paths
 * are user-controlled and may contain anything: quotes, `;`, `$()`, newlines, spaces.
 */

/** Quotes one argument so a POSIX shell reads it back byte for byte. Rejects NUL, which no argv can hold. */
export function quoteShellArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  // Plain words stay readable in logs; everything else is single-quoted.
  if (/^[A-Za-z0-9_./:@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Builds `cmd arg1 arg2 ...` with every part quoted. */
export function shellCommand(...args: string[]): string {
  return args.map(quoteShellArg).join(' ');
}
