/**
 * Sub-command dispatcher for `qwen-edit`. Each command lives in `commands/<name>.ts` and exports
 * `run(argv): Promise<number>` (the exit code), a one-line `summary` and, optionally, its `usage` (the
 * `--help` text after `usage: qwen-edit `). Modules load lazily so that `qwen-edit --help` does not load
 * ORT or sharp.
 *
 * Exit codes: 0 success; 2 a command line that cannot work as typed (a UsageError: unknown or missing
 * option, bad value, conflicting options); 1 anything else (files, the model, a failed edit).
 */
import { oneLine } from './error-line';
import { UsageError } from './usage-error';

type Command = { summary: string; usage?: string; run: (argv: string[]) => Promise<number> };

/** One line per sub-command. */
const commands: Record<string, () => Promise<Command>> = {
  info: () => import('./commands/info'),
  'make-tiny': () => import('./commands/make-tiny'),
  convert: () => import('./commands/convert'),
  edit: () => import('./commands/edit'),
  batch: () => import('./commands/batch'),
  verify: () => import('./commands/verify'),
};

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';

async function overview(): Promise<string> {
  const lines = await Promise.all(
    Object.entries(commands).map(async ([n, load]) => `  ${n.padEnd(10)} ${(await load()).summary}`),
  );
  return `usage: qwen-edit <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n'qwen-edit <command> --help' describes a command's options.`;
}

function commandHelp(name: string, command: Command): string {
  return command.usage
    ? `usage: qwen-edit ${command.usage}`
    : `usage: qwen-edit ${name} [options]\n\n${command.summary}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(await overview());
    return 2;
  }
  if (isHelp(name) || (name === 'help' && rest.length === 0)) {
    console.log(await overview());
    return 0;
  }
  const helpFor = name === 'help' ? rest[0]! : name;
  const load = Object.hasOwn(commands, helpFor) ? commands[helpFor] : undefined;
  if (!load) {
    console.error(`qwen-edit: unknown command '${helpFor}' (try 'qwen-edit --help')`);
    return 2;
  }
  const command = await load();
  if (name === 'help' || rest.some(isHelp)) {
    console.log(commandHelp(helpFor, command));
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`qwen-edit ${name}: ${error.message} (try 'qwen-edit ${name} --help')`);
      return 2;
    }
    // A CLI user gets one clear line, not a stack trace; QWEN_EDIT_DEBUG=1 shows the stack.
    console.error(`qwen-edit ${name}: ${oneLine(error)}`);
    if (process.env.QWEN_EDIT_DEBUG) console.error(error);
    return 1;
  }
}
