/** The right-hand panel: instruction, settings, region and text tools, Run. */
import { useAppStore } from '../../state/useAppStore';
import { Controls } from './Controls';
import { LoraPanel } from './LoraPanel';
import { PicturesPanel } from './PicturesPanel';
import { PromptBox } from './PromptBox';
import { RegionTools } from './RegionTools';
import { RunBar } from './RunBar';
import { TextTool } from './TextTool';

export function EditPanel() {
  const tool = useAppStore((s) => s.tool);
  const viewedIsHead = useAppStore((s) => !s.project || s.viewedId === s.project.head);
  return (
    <aside className="panel panel-right" aria-labelledby="edit-heading">
      <h2 id="edit-heading" className="panel-title">
        Edit
      </h2>
      {!viewedIsHead && (
        <p className="hint branch-hint" role="note">
          You are viewing an older version: running edits it and starts a branch.
        </p>
      )}
      {/* The text tool composes the instruction itself: it comes first while it is the tool in use. */}
      {tool === 'text' && <TextTool />}
      <PromptBox />
      <PicturesPanel />
      <RunBar />
      <Controls />
      <LoraPanel />
      <RegionTools />
    </aside>
  );
}
