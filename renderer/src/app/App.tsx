/** The app frame: top bar, optional demo banner, side panels around the canvas, status bar, notices. */
import type Konva from 'konva';
import { CanvasArea } from './CanvasArea';
import { DemoBanner } from './DemoBanner';
import { EditPanel } from '../features/editor/EditPanel';
import { ShortcutsSheet } from '../features/help/ShortcutsSheet';
import { useEditorShortcuts } from '../features/editor/useEditorShortcuts';
import { VersionsPanel } from '../features/versions/VersionsPanel';
import { useAppStoreApi } from '../state/useAppStore';
import { useServices } from '../actions/services';
import { StatusBar } from './StatusBar';
import { TopBar } from './TopBar';
import { useDocumentTitle } from './useDocumentTitle';
import { useStore } from 'zustand';
import type { PanelsStore } from './panels';

export function App({
  onStage,
  panels,
}: {
  onStage?: (stage: Konva.Stage | null) => void;
  /** Which side panels show (View ▸ Show versions / edit panel). */
  panels: PanelsStore;
}) {
  useDocumentTitle();
  const shown = useStore(panels);
  useEditorShortcuts(useAppStoreApi(), useServices());
  return (
    <div className="app">
      <TopBar />
      <DemoBanner />
      <div
        className={`workspace${shown.versions ? '' : ' without-versions'}${shown.edit ? '' : ' without-edit'}`}
      >
        {shown.versions && <VersionsPanel />}
        <CanvasArea onStage={onStage} />
        {shown.edit && <EditPanel />}
      </div>
      <StatusBar />
      <ShortcutsSheet />
    </div>
  );
}
