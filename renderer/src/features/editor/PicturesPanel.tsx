/**
 * The pictures an edit sees (issue 11): the canvas image is Picture 1; reference images beside it are
 * Picture 2 onwards — added by the picker, by dropping files here or by pasting while this is focused. Each
 * name is a chip that puts it into the instruction; references move earlier or later and are removed here.
 */
import { useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import type { PictureFile } from '../../actions/pictureActions';
import { useServices } from '../../actions/services';
import { insertName, MAX_REFERENCES, pictureName, type ReferenceImage } from '../../state/referencesSlice';
import { useAppStore } from '../../state/useAppStore';
import { useObjectUrl } from '../../ui/useObjectUrl';

const IMAGE_TYPES = 'image/png,image/jpeg,image/webp';

async function readFiles(files: Iterable<File>): Promise<PictureFile[]> {
  const images = [...files].filter((f) => f.type.startsWith('image/'));
  return Promise.all(
    images.map(async (f) => ({
      name: f.name || 'pasted.png',
      bytes: new Uint8Array(await f.arrayBuffer()),
      type: f.type,
    })),
  );
}

export function PicturesPanel() {
  const { editor } = useServices();
  const references = useAppStore((s) => s.references);
  const hasImage = useAppStore((s) => s.project !== null);
  const picker = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const add = async (files: Iterable<File>) => editor.addReferenceFiles(await readFiles(files));
  const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  const onPaste = (e: ClipboardEvent) => {
    const files = Array.from(e.clipboardData.files).filter((f) => f.type.startsWith('image/'));
    if (files.length === 0) return;
    // Here a pasted image is a picture for this edit, not a new image to open (the window's paste).
    e.preventDefault();
    e.stopPropagation();
    void add(files);
  };
  if (!hasImage) return null;
  return (
    <section
      className={`pictures${over ? ' drop-over' : ''}`}
      aria-labelledby="pictures-heading"
      data-testid="pictures"
      tabIndex={0}
      onPaste={onPaste}
      onDragEnter={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.stopPropagation();
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.stopPropagation();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget)) return;
        setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        // The window's drop opens an image; a drop here adds pictures instead.
        e.stopPropagation();
        setOver(false);
        void add(Array.from(e.dataTransfer.files));
      }}
    >
      <h3 id="pictures-heading" className="field-label">
        Pictures
      </h3>
      <ul className="picture-list">
        <li className="picture canvas-picture">
          <NameChip index={0} />
          <span className="hint">the canvas image</span>
        </li>
        {references.map((r, i) => (
          <ReferenceRow key={r.id} reference={r} index={i} last={i === references.length - 1} />
        ))}
      </ul>
      <div className="control-row">
        <button
          type="button"
          className="button"
          disabled={references.length >= MAX_REFERENCES}
          onClick={() => picker.current?.click()}
          title="Reference images for the Plus models (2509, 2511): people, products or scenes to combine with the canvas image. Drop or paste images here too."
        >
          Add picture…
        </button>
        <input
          ref={picker}
          type="file"
          accept={IMAGE_TYPES}
          multiple
          hidden
          data-testid="picture-input"
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []);
            e.currentTarget.value = '';
            void add(files);
          }}
        />
        <span className="hint">drop or paste images here</span>
      </div>
    </section>
  );
}

function NameChip({ index }: { index: number }) {
  const prompt = useAppStore((s) => s.prompt);
  const setPrompt = useAppStore((s) => s.setPrompt);
  const name = pictureName(index);
  const insert = () => {
    const box = document.getElementById('instruction') as HTMLTextAreaElement | null;
    const next = insertName(prompt, box?.selectionStart ?? prompt.length, name);
    setPrompt(next.prompt);
    // After React has put the new text in: the caret goes right after the name.
    requestAnimationFrame(() => {
      box?.focus();
      box?.setSelectionRange(next.caret, next.caret);
    });
  };
  return (
    <button
      type="button"
      className="button chip picture-chip"
      onClick={insert}
      title={`Put “${name}” into the instruction, e.g. “${name} wears the hat from Picture 2”`}
    >
      {name}
    </button>
  );
}

function ReferenceRow({
  reference,
  index,
  last,
}: {
  reference: ReferenceImage;
  index: number;
  last: boolean;
}) {
  const move = useAppStore((s) => s.moveReference);
  const remove = useAppStore((s) => s.removeReference);
  const url = useObjectUrl(reference.bytes, reference.mime);
  const name = pictureName(index + 1);
  return (
    <li className="picture" data-testid="reference-picture">
      {url ? (
        <img className="thumb" src={url} alt={`${name}: ${reference.name}`} />
      ) : (
        <span className="thumb" />
      )}
      <NameChip index={index + 1} />
      <span className="picture-file" title={reference.name}>
        {reference.name}
      </span>
      <span className="picture-actions">
        <button
          type="button"
          className="button icon"
          aria-label={`Move ${name} earlier`}
          disabled={index === 0}
          onClick={() => move(reference.id, -1)}
        >
          ↑
        </button>
        <button
          type="button"
          className="button icon"
          aria-label={`Move ${name} later`}
          disabled={last}
          onClick={() => move(reference.id, 1)}
        >
          ↓
        </button>
        <button
          type="button"
          className="button icon danger"
          aria-label={`Remove ${name}`}
          onClick={() => remove(reference.id)}
        >
          ×
        </button>
      </span>
    </li>
  );
}
