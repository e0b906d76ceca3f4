// @ts-check
/**
 * An allow-list import rule, in the style of VS Code's `code-import-patterns`: every source file belongs to one
 * layer (the longest matching folder prefix), and each layer lists what it may import — repository folders or
 * files, and packages. Anything not listed is an error. An allow-list fails closed: a new folder or package must be
 * placed on purpose, where a deny-list would let it through.
 */
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

const builtins = new Set(builtinModules);
const TEST_FILE = /\.test\.tsx?$|\/testing\//;

/**
 * @typedef {{
 *   name: string,
 *   files: string[],
 *   allow: string[],
 *   allowTypes?: string[],
 *   allowInTests?: string[],
 *   allowSelf?: boolean,
 *   why: string,
 * }} Layer
 * A layer may import its own files unless `allowSelf` is false (the catch-all for unplaced folders).
 * `files` and folder entries in `allow` end with '/'; a file entry names the file without its extension.
 * Package entries are bare names ('zod', 'react-dom') or 'node:*' for Node's built-ins.
 */

/** @param {string} spec */
function packageOf(spec) {
  if (spec.startsWith('node:') || builtins.has(spec.split('/')[0])) return 'node:*';
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** @param {string} target @param {string} entry */
function matches(target, entry) {
  // A folder entry also covers importing the folder itself (its index).
  if (entry.endsWith('/')) return target.startsWith(entry) || target === entry.slice(0, -1);
  const file = target.replace(/\.(ts|tsx|js|mjs)$/, '');
  // 'x/index' also covers importing the folder 'x'.
  return file === entry || (entry.endsWith('/index') && file === entry.slice(0, -'/index'.length));
}

/** @param {Layer[]} layers @param {string} file */
export function layerOf(layers, file) {
  let best = /** @type {Layer | undefined} */ (undefined);
  let bestLen = -1;
  for (const layer of layers) {
    for (const prefix of layer.files) {
      if (matches(file, prefix) && prefix.length > bestLen) {
        best = layer;
        bestLen = prefix.length;
      }
    }
  }
  return best;
}

/**
 * @param {Layer} layer
 * @param {string} file repository-relative path of the importing file
 * @param {string} spec the import specifier
 * @param {boolean} typeOnly
 */
export function isAllowed(layer, file, spec, typeOnly) {
  const target = spec.startsWith('.') ? relative('.', resolve(dirname(file), spec)) : packageOf(spec);
  const lists = [layer.allowSelf === false ? [] : layer.files, layer.allow];
  if (typeOnly) lists.push(layer.allowTypes ?? []);
  if (TEST_FILE.test(file)) lists.push(layer.allowInTests ?? []);
  return lists.some((list) => list.some((entry) => matches(target, entry)));
}

/** @param {Layer[]} layers @param {string} root */
export function allowedImportsPlugin(layers, root) {
  return {
    rules: {
      'allowed-imports': {
        meta: { type: 'problem', schema: [] },
        /** @param {import('eslint').Rule.RuleContext} context */
        create(context) {
          const file = relative(root, context.filename);
          const layer = layerOf(layers, file);
          if (!layer) return {};
          /** @param {any} node @param {boolean} typeOnly */
          const check = (node, typeOnly) => {
            const spec = node.source?.value;
            if (typeof spec !== 'string' || isAllowed(layer, file, spec, typeOnly)) return;
            context.report({ node, message: `${layer.name} may not import '${spec}': ${layer.why}` });
          };
          return {
            ImportDeclaration: (node) => check(node, node.importKind === 'type'),
            ExportNamedDeclaration: (node) => check(node, node.exportKind === 'type'),
            ExportAllDeclaration: (node) => check(node, node.exportKind === 'type'),
            ImportExpression: (node) => check(node, false),
          };
        },
      },
    },
  };
}
