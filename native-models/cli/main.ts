/**
 * Sub-command dispatcher for `qwen-edit`. Each command lives in `commands/<name>.ts` and exports
 * `run(argv): Promise<number>` (the exit code) and a one-line `summary`. Modules load lazily so that
 * `qwen-edit --help` does not load ORT or sharp.
 */
type Command = { summary: string; run: (argv: string[]) => Promise<number> };

/** One line per sub-command. */
const commands: Record<string, () => Promise<Command>> = {
  info: () => import('./commands/info'),
  'make-tiny': () => import('./commands/make-tiny'),
  convert: () => import('./commands/convert'),
  edit: () => import('./commands/edit'),
  batch: () => import('./commands/batch'),
  models: () => import('./commands/models'),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = await Promise.all(
      Object.entries(commands).map(async ([n, load]) => `  ${n.padEnd(10)} ${(await load()).summary}`),
    );
    console.log(`usage: qwen-edit <command> [options]\n\ncommands:\n${lines.join('\n')}`);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`qwen-edit: unknown command '${name}' (try 'qwen-edit --help')`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (error) {
    // A CLI user gets one clear line, not a stack trace; QWEN_EDIT_DEBUG=1 shows the stack.
    const message = error instanceof Error ? error.message : String(error);
    console.error(`qwen-edit ${name}: ${message}`);
    if (process.env.QWEN_EDIT_DEBUG) console.error(error);
    return 1;
  }
}
