/**
 * Turns tokens into text as they come. Byte-level BPE splits multi-byte characters (Chinese, emoji) across
 * tokens, so the decoded tail may end in an incomplete character (U+FFFD); that tail is held back until the
 * next token completes it.
 */
export function textStream(decode: (ids: readonly number[]) => string): {
  push(token: number): string;
  text(): string;
} {
  const ids: number[] = [];
  let sent = 0;
  return {
    push(token) {
      ids.push(token);
      const full = decode(ids);
      const stable = full.endsWith('\uFFFD') ? full.replace(/\uFFFD+$/, '') : full;
      if (stable.length <= sent) return '';
      const delta = stable.slice(sent);
      sent = stable.length;
      return delta;
    },
    text: () => decode(ids),
  };
}
