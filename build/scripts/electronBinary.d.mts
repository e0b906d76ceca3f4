/** The installed Electron executable's path, or null when the binary is not installed. */
export function findElectronBinary(): string | null;
