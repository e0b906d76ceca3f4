import { parseArgs } from 'node:util';
import { runTextTask, TEXT_TASK_OPTIONS } from './text-task';

export const summary =
  'rewrite an edit instruction precisely, offline: --prompt "…" [--image in.png] [--model <dir>] [--max-tokens N] [--temperature T --top-k K --top-p P --seed N] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...TEXT_TASK_OPTIONS, prompt: { type: 'string' } } });
  if (!values.prompt?.trim()) {
    console.error(`usage: qwen-edit enhance --prompt "…" [--image in.png]\n${summary}`);
    return 2;
  }
  await runTextTask(values, { task: 'enhance', instruction: values.prompt });
  return 0;
}
