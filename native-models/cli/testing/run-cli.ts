/** Runs the CLI in-process, capturing what it prints (console and raw stderr writes, such as progress bars). */
import { main } from '../main';

export type CliResult = { code: number; stdout: string; stderr: string; output: string };

export async function runCli(...argv: string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const all: string[] = [];
  const { log, error } = console;
  const write = process.stderr.write.bind(process.stderr);
  console.log = (...args: unknown[]) => void (stdout.push(args.join(' ')), all.push(args.join(' ')));
  console.error = (...args: unknown[]) => void (stderr.push(args.join(' ')), all.push(args.join(' ')));
  process.stderr.write = ((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    stderr.push(text.replace(/\n$/, ''));
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n'), output: all.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
}
