/**
 * electron-builder's `afterPack` hook (build/electron-builder.yml): flips the fuses in the packed Electron
 * binary before it is signed, through the packager's own @electron/fuses call so that the binary's path on
 * each platform is electron-builder's.
 */
import { fuseConfig } from './fuses.mjs';

export default async function afterPack(context) {
  await context.packager.addElectronFuses(context, fuseConfig());
}
