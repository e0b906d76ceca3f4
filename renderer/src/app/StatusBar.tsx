/** The status bar: connection and engine state, runtime and providers, model, image and zoom. */
import { selectZoomPercent } from '../state/documentSlice';
import { selectRuntimeLabel } from '../state/engineSlice';
import { selectLastRunModel } from '../state/projectSlice';
import { useAppStore, useAppStoreApi } from '../state/useAppStore';
import { useServices } from '../actions/services';
import { verifyModel } from '../actions/verifyModel';
import { describeEngine, describeModel } from './statusText';

export function StatusBar() {
  const { client } = useServices();
  const store = useAppStoreApi();
  const connection = useAppStore((s) => s.connection);
  const connectionDetail = useAppStore((s) => s.connectionDetail);
  const engineState = useAppStore((s) => s.engineState);
  const engineDetail = useAppStore((s) => s.engineDetail);
  const runtime = useAppStore(selectRuntimeLabel);
  const model = useAppStore((s) => s.info?.model ?? null);
  const image = useAppStore((s) => s.image);
  const lastRun = useAppStore(selectLastRunModel);
  const zoom = useAppStore(selectZoomPercent);
  const engine = describeEngine(connection, connectionDetail, engineState, engineDetail);

  return (
    <footer className="status-bar" aria-label="Status">
      <span
        className={`status-item engine-state tone-${engine.tone}`}
        data-testid="engine-state"
        title={engine.title}
      >
        <span className="dot" aria-hidden="true" />
        {engine.text}
      </span>
      {runtime && (
        <span className="status-item" data-testid="runtime">
          {runtime}
        </span>
      )}
      {model && (
        <span className="status-item" data-testid="model-status" title={model.folder}>
          {describeModel(model)}
        </span>
      )}
      {model && model.status !== 'demo' && model.status !== 'missing' && (
        <button
          type="button"
          className="status-item button"
          title="Re-hash every model file against its recorded hash"
          onClick={() => void verifyModel(client, store)}
        >
          Verify
        </button>
      )}
      {lastRun && (
        <span
          className="status-item"
          data-testid="last-run"
          title="Precision and execution provider of the last edit"
        >
          {lastRun}
        </span>
      )}
      <span className="status-spacer" />
      {image && (
        <span className="status-item" data-testid="image-info">
          {image.name} · {image.width}×{image.height} {image.format.toUpperCase()}
        </span>
      )}
      <span className="status-item zoom" data-testid="zoom">
        {zoom === null ? 'Zoom —' : `Zoom ${zoom}%`}
      </span>
    </footer>
  );
}
