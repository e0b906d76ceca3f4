/** electron-builder afterPack hook: flips the Electron fuses (fuses.mjs). */
export default function afterPack(context: unknown): Promise<void>;
