import { parseArgs } from 'node:util';
import { runTextTask, TEXT_TASK_OPTIONS } from './text-task';

export const summary =
  'describe an image (alt text), or with --ocr list the text lines in it: --image in.png [--ocr] [--model <dir>] [--max-tokens N] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...TEXT_TASK_OPTIONS, ocr: { type: 'boolean', default: false } },
  });
  if (!values.image) {
    console.error(`usage: qwen-edit describe --image in.png [--ocr]\n${summary}`);
    return 2;
  }
  await runTextTask(values, { task: values.ocr ? 'ocr' : 'describe' });
  return 0;
}
