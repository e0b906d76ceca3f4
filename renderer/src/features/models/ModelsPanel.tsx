/**
 * The model manager: the catalogue (download with progress, speed and ETA; pause and resume; convert at a
 * precision), a custom repo id or URL, the hub endpoint (a mirror), the installed models (activate, verify,
 * delete with confirmation) and the GPU plan behind the recommendation.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ResultOf } from '../../../../electron/shared/contract';
import { useServices } from '../../actions/services';
import { eta, gb } from './format';
import { useModelJobs } from './useModelJobs';
import type { ModelJob } from './useModelJobs';

type Library = ResultOf<'models:list'>;
type Plan = ResultOf<'models:plan'>;
type Settings = ResultOf<'models:getSettings'>;
const PRECISIONS = ['bf16', 'int8', 'int4', 'fp32'] as const;

function JobStatus({ job }: { job: ModelJob | undefined }) {
  if (!job) return null;
  const p = job.progress;
  const fraction = p && p.totalBytes > 0 ? p.doneBytes / p.totalBytes : 0;
  return (
    <div className="model-job" role="status" aria-label={`${job.kind} status`}>
      {job.running && p && p.totalBytes > 0 && (
        <>
          <progress max={1} value={fraction} aria-label={`${job.kind} progress`} />
          <span className="hint">
            {Math.floor(fraction * 100)}% · {gb(p.doneBytes)} of {gb(p.totalBytes)} ·{' '}
            {(p.bytesPerSecond / 1e6).toFixed(1)} MB/s · ETA {eta(p.etaSeconds)} · {p.label}
          </span>
        </>
      )}
      {job.running && p?.notice && <span className="run-error">{p.notice}</span>}
      {job.running && !p && <span className="hint">Starting…</span>}
      {job.error && <span className="run-error">{job.error}</span>}
      {job.done && <span className="hint">{job.done}</span>}
    </div>
  );
}

export function ModelsPanel({ onClose }: { onClose: () => void }) {
  const { client } = useServices();
  const [library, setLibrary] = useState<Library | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [endpoint, setEndpoint] = useState('');
  const [customRef, setCustomRef] = useState('');
  const [customRefs, setCustomRefs] = useState<string[]>([]);
  const [precision, setPrecision] = useState<(typeof PRECISIONS)[number]>('bf16');
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [token, setToken] = useState('');
  const [deleteSource, setDeleteSource] = useState(false);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [folder, setFolder] = useState('');

  const refresh = useCallback(() => {
    void client.request('models:list', {}).then((r) => {
      if (r.ok) {
        setLibrary(r.value);
        setEndpoint((e) => e || r.value.endpoint);
        setFolder((f) => f || r.value.root);
      } else setError(r.error.message);
    });
    void client.request('models:plan', { width: 1024, height: 1024 }).then((r) => r.ok && setPlan(r.value));
    void client.request('models:getSettings', {}).then((r) => r.ok && setSettings(r.value));
  }, [client]);
  useEffect(refresh, [refresh]);
  const { jobs, start, cancel } = useModelJobs(refresh);

  const download = (ref: string) =>
    void start(
      ref,
      'download',
      (jobId) => client.request('models:pull', { jobId, ref, ...(endpoint ? { endpoint } : {}) }),
      (v: ResultOf<'models:pull'>) =>
        `Downloaded (${gb(v.fetchedBytes)} fetched, ${gb(v.keptBytes)} resumed).`,
    );
  const convert = (ref: string) =>
    void start(
      `${ref}#convert`,
      'convert',
      (jobId) => client.request('models:convert', { jobId, ref, precision, deleteSource }),
      (v: ResultOf<'models:convert'>) => `Installed as ${v.folder}.`,
    );
  const act = async (label: string, work: Promise<{ ok: boolean; error?: { message: string } }>) => {
    const r = await work;
    setMessage(r.ok ? label : (r.error?.message ?? 'failed'));
    refresh();
  };

  const rows = [
    ...(library?.catalogue ?? []),
    ...customRefs.map((ref) => ({
      id: ref,
      name: ref,
      kind: 'base' as const,
      repo: ref,
      revision: '',
      license: '',
      approxBytes: 0,
      goodFor: 'custom repository',
      downloadedBytes: 0,
      downloaded: false,
      unsupported: undefined,
    })),
  ];
  return (
    <section className="panel models-panel" aria-label="Models" role="dialog">
      <div className="panel-title">
        Models
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
      {error && <p className="run-error">{error}</p>}
      {message && (
        <p className="hint" role="status" aria-label="Models message">
          {message}
        </p>
      )}
      <label className="field-label">
        Download from (the Hugging Face hub, or a mirror)
        <input
          className="field"
          aria-label="Hub endpoint"
          value={endpoint}
          onChange={(e) => setEndpoint(e.target.value)}
        />
      </label>
      <div className="control-row">
        <input
          className="field"
          type="password"
          autoComplete="off"
          aria-label="Access token"
          placeholder={
            library?.hasToken ? 'an access token is saved' : 'access token (only for gated or private repos)'
          }
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <button
          type="button"
          className="button"
          disabled={!token}
          onClick={() => {
            void act('Access token saved.', client.request('models:setToken', { token }));
            setToken('');
          }}
        >
          Save token
        </button>
        {library?.hasToken && (
          <button
            type="button"
            className="button"
            onClick={() =>
              void act('Access token removed.', client.request('models:setToken', { token: null }))
            }
          >
            Forget token
          </button>
        )}
      </div>
      <div className="control-row">
        <input
          className="field"
          aria-label="Custom repo id or URL"
          placeholder="owner/name[@revision] or a hub URL"
          value={customRef}
          onChange={(e) => setCustomRef(e.target.value)}
        />
        <button
          type="button"
          className="button"
          disabled={!customRef.trim()}
          onClick={() => {
            setCustomRefs((r) => [...new Set([...r, customRef.trim()])]);
            setCustomRef('');
          }}
        >
          Add
        </button>
        <label className="checkbox">
          <input type="checkbox" checked={deleteSource} onChange={(e) => setDeleteSource(e.target.checked)} />
          Delete the download after converting
        </label>
        <label className="field-label">
          Precision
          <select
            aria-label="Precision"
            value={precision}
            onChange={(e) => setPrecision(e.target.value as typeof precision)}
          >
            {PRECISIONS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
      </div>
      <ul className="model-list" aria-label="Catalogue">
        {rows.map((e) => {
          const job = jobs[e.id];
          const conversion = jobs[`${e.id}#convert`];
          return (
            <li key={e.id} className="model-row" aria-label={e.name}>
              <div>
                <strong>{e.name}</strong>{' '}
                <span className="hint">
                  {e.repo}
                  {e.revision && `@${e.revision}`} {e.license} {e.approxBytes > 0 && `~${gb(e.approxBytes)}`}
                </span>
              </div>
              <div className="hint">{e.goodFor}</div>
              {e.unsupported && <div className="hint">Download only for now: {e.unsupported}</div>}
              <div className="control-row">
                {job?.running ? (
                  <button type="button" className="button" onClick={() => cancel(e.id)}>
                    Pause
                  </button>
                ) : (
                  <button type="button" className="button" onClick={() => download(e.id)}>
                    {e.downloaded ? 'Check download' : e.downloadedBytes > 0 || job ? 'Resume' : 'Download'}
                  </button>
                )}
                {!job?.running && e.downloadedBytes > 0 && !e.downloaded && (
                  <button
                    type="button"
                    className="button"
                    onClick={() =>
                      void act('Partial download removed.', client.request('models:discard', { ref: e.id }))
                    }
                  >
                    Cancel download
                  </button>
                )}
                <button
                  type="button"
                  className="button"
                  disabled={!(e.downloaded || job?.done) || conversion?.running}
                  onClick={() => convert(e.id)}
                >
                  Convert
                </button>
                {conversion?.running && (
                  <button type="button" className="button" onClick={() => cancel(`${e.id}#convert`)}>
                    Stop conversion
                  </button>
                )}
              </div>
              <JobStatus job={job} />
              <JobStatus job={conversion} />
            </li>
          );
        })}
      </ul>
      <h3 className="panel-title">Installed</h3>
      <ul className="model-list" aria-label="Installed models">
        {library?.installed.map((m) => (
          <li key={m.folder} className="model-row" aria-label={m.name}>
            <div>
              <strong>{m.name}</strong> {m.active && <span className="head-badge">active</span>}
            </div>
            {!m.demo && (
              <div className="hint">
                {m.precision} · {gb(m.bytes)} · {m.sourceRepo}@{m.sourceRevision?.slice(0, 12)} ·{' '}
                {m.lastUsed ? `last used ${new Date(m.lastUsed).toLocaleString()}` : 'never used'}
              </div>
            )}
            <div className="control-row">
              {!m.active && (
                <button
                  type="button"
                  className="button"
                  onClick={() =>
                    void act(`${m.name} is active.`, client.request('models:activate', { folder: m.folder }))
                  }
                >
                  Activate
                </button>
              )}
              {!m.demo && (
                <>
                  <button
                    type="button"
                    className="button"
                    onClick={() =>
                      void act(
                        `${m.name}: every file matches its sha256.`,
                        client.request('models:verify', { folder: m.folder }),
                      )
                    }
                  >
                    Verify
                  </button>
                  {confirmDelete === m.folder ? (
                    <button
                      type="button"
                      className="button"
                      onClick={() => {
                        setConfirmDelete(null);
                        void act(`${m.name} deleted.`, client.request('models:remove', { folder: m.folder }));
                      }}
                    >
                      Confirm delete ({gb(m.bytes)})
                    </button>
                  ) : (
                    <button type="button" className="button" onClick={() => setConfirmDelete(m.folder)}>
                      Delete…
                    </button>
                  )}
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      {settings && (
        <fieldset className="control-row" aria-label="Runtime settings">
          <legend className="field-label">Runtime (the engine restarts to apply)</legend>
          <label className="field-label">
            Execution provider
            <select
              aria-label="Execution provider"
              value={settings.provider}
              onChange={(e) => setSettings({ ...settings, provider: e.target.value as Settings['provider'] })}
            >
              <option value="auto">auto</option>
              <option value="cuda">CUDA</option>
              <option value="cpu">CPU</option>
            </select>
          </label>
          <label className="field-label">
            GPU
            <input
              className="field"
              type="number"
              min={0}
              max={63}
              aria-label="GPU device id"
              value={settings.gpuDevice}
              onChange={(e) =>
                setSettings({ ...settings, gpuDevice: Math.max(0, Math.floor(Number(e.target.value) || 0)) })
              }
            />
          </label>
          <label className="field-label">
            Memory
            <select
              aria-label="Memory policy"
              value={settings.memoryPolicy}
              onChange={(e) =>
                setSettings({ ...settings, memoryPolicy: e.target.value as Settings['memoryPolicy'] })
              }
            >
              <option value="resident">resident</option>
              <option value="low-memory">low-memory</option>
            </select>
          </label>
          <button
            type="button"
            className="button"
            onClick={() =>
              void act(
                'Settings saved; the engine restarted.',
                client.request('models:setSettings', settings),
              )
            }
          >
            Apply
          </button>
        </fieldset>
      )}
      <fieldset className="control-row" aria-label="Model folder">
        <legend className="field-label">Model folder (the library moves with it)</legend>
        <input
          className="field"
          aria-label="Model folder path"
          value={folder}
          onChange={(e) => setFolder(e.target.value)}
        />
        <button
          type="button"
          className="button"
          disabled={!library || folder.trim() === library.root}
          onClick={() =>
            void act(
              'Library moved; the engine restarted.',
              client.request('models:setFolder', { folder: folder.trim() }),
            )
          }
        >
          Move library
        </button>
      </fieldset>
      {plan && (
        <details className="model-plan" aria-label="GPU plan">
          <summary>Fit to this machine: {plan.summary}</summary>
          <p className="hint">
            Based on {plan.basis}; {gb(plan.availableBytes)} usable on {plan.device}.
          </p>
          <table>
            <tbody>
              {plan.options.map((o) => (
                <tr key={`${o.precision}-${o.policy}`}>
                  <td>{o.precision}</td>
                  <td>{o.policy}</td>
                  <td>weights {gb(o.weightsBytes)}</td>
                  <td>peak {gb(o.peakBytes)}</td>
                  <td>{o.fits ? 'fits' : 'does not fit'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
