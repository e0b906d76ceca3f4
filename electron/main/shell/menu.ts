/** The menu model as Electron's Menu: the only part of the menus that needs Electron. */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, MenuNode } from './menuModel';

export function toTemplate(
  nodes: MenuNode[],
  onCommand: (command: MenuCommand) => void,
): MenuItemConstructorOptions[] {
  return nodes.map((node): MenuItemConstructorOptions => {
    if (node.type === 'separator') return { type: 'separator' };
    if (node.type === 'submenu')
      return {
        label: node.label,
        enabled: node.enabled,
        ...(node.role ? { role: node.role } : {}),
        submenu: toTemplate(node.submenu, onCommand),
      };
    const { command } = node;
    return {
      type: node.type === 'checkbox' ? 'checkbox' : 'normal',
      // The shared table's id, so tests (and future code) find an item without walking labels.
      ...(command?.kind === 'action' ? { id: command.id } : {}),
      label: node.label,
      enabled: node.enabled,
      ...(node.checked !== undefined ? { checked: node.checked } : {}),
      ...(node.accelerator ? { accelerator: node.accelerator } : {}),
      ...(node.registerAccelerator === false ? { registerAccelerator: false } : {}),
      ...(node.role ? { role: node.role } : {}),
      ...(command ? { click: () => onCommand(command) } : {}),
    };
  });
}
