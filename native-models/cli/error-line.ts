/** Any error as the one line a CLI user reads. */
import { errnoCode, fileErrorWords } from './file-error';

/**
 * The temporary names the CLI and the converter write under (`.a.png.123.tmp`, `.model.partial-123-ab12`)
 * become the names they are renamed to, which are the ones the user gave.
 */
const withoutTemporaryNames = (text: string) =>
  text.replace(/(^|[/\\ '])\.([^/\\' ]+?)\.(?:\d+\.tmp|partial-[\w-]+)(?=$|[/\\' :,])/g, '$1$2');

/** One line, whatever the error; a file error in words rather than as `EROFS: …, open '…'`. */
export function oneLine(error: unknown): string {
  const path = (error as { path?: unknown } | null)?.path;
  const message =
    errnoCode(error) && typeof path === 'string'
      ? `${path}: ${fileErrorWords(error)}`
      : error instanceof Error
        ? error.message
        : String(error);
  return withoutTemporaryNames(
    message
      // node's `ENOENT: no such file or directory, open '/a.png'` quoted inside another message
      .replace(/\bE[A-Z]+: ([^,]+), \w+ '([^']+)'/g, '$2: $1')
      .replace(/\s*\n\s*/g, ' ')
      .trim(),
  );
}
