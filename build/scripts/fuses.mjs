/**
 * Electron fuses for the packaged app (issue 10, item 5), flipped in the binary by the `afterPack` hook:
 * features an attacker with local access could use to run code as the app are switched off, and the app is
 * only ever loaded from its asar (integrity-checked where the platform supports it: macOS, Windows).
 */
import fuses from '@electron/fuses';

/** What each fuse must be, by @electron/fuses' V1 option name. */
export const FUSES = {
  /** ELECTRON_RUN_AS_NODE would turn the signed binary into a plain Node. The engine is a utilityProcess. */
  RunAsNode: false,
  /** NODE_OPTIONS could preload any script into main. */
  EnableNodeOptionsEnvironmentVariable: false,
  /** --inspect / --inspect-brk would open a debugger on main. */
  EnableNodeCliInspectArguments: false,
  /** The asar's hash is checked against the one embedded at packaging. */
  EnableEmbeddedAsarIntegrityValidation: true,
  /** Never an app/ folder beside the asar instead of it. */
  OnlyLoadAppFromAsar: true,
  EnableCookieEncryption: true,
  /** The renderer comes over app://, never file://. */
  GrantFileProtocolExtraPrivileges: false,
};

/** The @electron/fuses config, every fuse above named explicitly. */
export function fuseConfig() {
  const { FuseVersion, FuseV1Options } = fuses;
  const config = { version: FuseVersion.V1 };
  for (const [name, value] of Object.entries(FUSES)) {
    if (!(name in FuseV1Options)) throw new Error(`@electron/fuses has no fuse named ${name}`);
    config[FuseV1Options[name]] = value;
  }
  return config;
}
