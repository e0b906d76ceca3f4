/** The app frame: top bar, optional demo banner, side panels around the canvas, status bar, notices. */
import type Konva from 'konva';
import { CanvasArea } from './CanvasArea';
import { DemoBanner } from './DemoBanner';
import { Notices } from './Notices';
import { EditPanel } from '../features/editor/EditPanel';
import { ShortcutsSheet } from '../features/help/ShortcutsSheet';
import { useEditorShortcuts } from '../features/editor/useEditorShortcuts';
import { VersionsPanel } from '../features/versions/VersionsPanel';
import { useAppStoreApi } from '../state/useAppStore';
import { useServices } from '../actions/services';
import { StatusBar } from './StatusBar';
import { TopBar } from './TopBar';
import { useDocumentTitle } from './useDocumentTitle';

export function App({ onStage }: { onStage?: (stage: Konva.Stage | null) => void }) {
  useDocumentTitle();
  useEditorShortcuts(useAppStoreApi(), useServices());
  return (
    <div className="app">
      <TopBar />
      <DemoBanner />
      <div className="workspace">
        <VersionsPanel />
        <CanvasArea onStage={onStage} />
        <EditPanel />
      </div>
      <StatusBar />
      <Notices />
      <ShortcutsSheet />
    </div>
  );
}
