export function missingBinaryMessage(context: {
  electronVersion: string;
  platform: NodeJS.Platform;
  skipDownload: boolean;
}): string;
export function nodeVersionProblem(running: string, minimum: string): string | null;
