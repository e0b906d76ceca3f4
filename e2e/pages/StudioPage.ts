/**
 * Page object for the main window: how the specs open images, drive the canvas and read what it shows.
 * Works on a web-mode page and on an Electron window alike.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { FixtureFile, Rgb } from '../fixtures/images';

export type Point = { x: number; y: number };

export class StudioPage {
  readonly canvasArea: Locator;
  readonly statusBar: Locator;
  readonly runtime: Locator;
  readonly engineState: Locator;
  readonly zoom: Locator;
  readonly imageInfo: Locator;
  readonly alerts: Locator;

  constructor(readonly page: Page) {
    this.canvasArea = page.getByTestId('canvas-area');
    this.statusBar = page.getByRole('contentinfo', { name: 'Status' });
    this.runtime = page.getByTestId('runtime');
    this.engineState = page.getByTestId('engine-state');
    this.zoom = page.getByTestId('zoom');
    this.imageInfo = page.getByTestId('image-info');
    this.alerts = page.getByRole('alert');
  }

  /**
   * Loads the app with the test hook on and waits until the engine has introduced itself. The token is the
   * one the config started web mode with; the page keeps it as a cookie and drops it from the URL.
   */
  async open(): Promise<void> {
    await this.page.goto(`/?e2e=1&token=${process.env.QWEN_EDIT_TOKEN ?? ''}`);
    await this.waitUntilReady();
  }

  /**
   * Reloads the page as a user does (same tab, so the same session), presenting the token again; the engine
   * may be busy with a job queued before the reload.
   */
  async reload(): Promise<void> {
    await this.page.goto(`/?e2e=1&token=${process.env.QWEN_EDIT_TOKEN ?? ''}`);
    await expect(this.engineState).toHaveText(/^Engine (ready|busy)$/, { timeout: 30_000 });
  }

  /** Loads the app served at `url` (a server the spec started itself, with its printed URL) with the test hook on. */
  async openAt(url: string): Promise<void> {
    const target = new URL(url);
    target.searchParams.set('e2e', '1');
    await this.page.goto(target.toString());
    await this.waitUntilReady();
  }

  /** Opens a project from the Recent menu by its name. */
  async openRecent(name: string | RegExp): Promise<void> {
    await this.page.getByText('Recent', { exact: true }).click();
    await this.page
      .getByRole('list', { name: 'Recent projects' })
      .getByRole('button', { name })
      .first()
      .click();
  }

  async waitUntilReady(): Promise<void> {
    await expect(this.engineState).toHaveText('Engine ready', { timeout: 30_000 });
  }

  /** Opens through the top bar's real `<input type=file>`. */
  async openByFileInput(file: FixtureFile): Promise<void> {
    await this.page.getByRole('banner').locator('input[type=file]').setInputFiles(file);
  }

  /** Drops the file on the canvas area with real DragEvents carrying a DataTransfer, as a drag from the desktop does. */
  async openByDrop(file: FixtureFile): Promise<void> {
    const target = await this.canvasArea.elementHandle();
    await this.page.evaluate(
      ({ element, name, type, base64 }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, { type }));
        const box = element!.getBoundingClientRect();
        const at = { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 };
        for (const type of ['dragenter', 'dragover', 'drop'] as const) {
          element!.dispatchEvent(
            new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer, ...at }),
          );
        }
      },
      { element: target, name: file.name, type: file.mimeType, base64: file.buffer.toString('base64') },
    );
  }

  async expectImageShown(name: string, width: number, height: number): Promise<void> {
    await expect(this.imageInfo).toHaveText(new RegExp(`^${escape(name)} · ${width}×${height} `));
  }

  /** The Konva stage's scale, read from the stage itself through the e2e hook. */
  stageScale(): Promise<number | null> {
    return this.page.evaluate(() => window.__qeTest?.stageScale() ?? null);
  }

  view(): Promise<{ scale: number; x: number; y: number }> {
    return this.page.evaluate(() => window.__qeTest!.view());
  }

  /** Where an image pixel's centre is on the page now. */
  async imagePointToClient(ix: number, iy: number): Promise<Point> {
    const p = await this.page.evaluate(([x, y]) => window.__qeTest!.imagePointToClient(x!, y!), [ix, iy]);
    if (!p) throw new Error('no stage yet');
    return p;
  }

  /**
   * The colour the user sees at a page point, read from Konva's real canvases: every layer's pixel via
   * getImageData, composited in stacking order over the canvas area's background.
   */
  canvasPixelAt(p: Point): Promise<Rgb> {
    return this.page.evaluate(({ x, y }) => {
      const area = document.querySelector<HTMLElement>('[data-testid="canvas-area"]');
      const canvases = Array.from(area?.querySelectorAll<HTMLCanvasElement>('.konvajs-content canvas') ?? []);
      if (!area || canvases.length === 0) throw new Error('no Konva canvas on the page');
      const bg = getComputedStyle(area).backgroundColor.match(/\d+/g)!.map(Number);
      let rgb = [bg[0]!, bg[1]!, bg[2]!];
      for (const canvas of canvases) {
        const box = canvas.getBoundingClientRect();
        // A hidden layer (the region overlay after a run) has no box and shows nothing.
        if (box.width === 0 || box.height === 0) continue;
        const px = Math.floor(((x - box.left) * canvas.width) / box.width);
        const py = Math.floor(((y - box.top) * canvas.height) / box.height);
        const d = canvas.getContext('2d')!.getImageData(px, py, 1, 1).data;
        const a = d[3]! / 255;
        rgb = rgb.map((c, i) => Math.round(d[i]! * a + c * (1 - a)));
      }
      return [rgb[0]!, rgb[1]!, rgb[2]!] as const;
    }, p);
  }

  /** Waits until the canvas shows `color` (±`tolerance` per channel) at an image pixel. */
  async expectImagePixel(ix: number, iy: number, color: Rgb, tolerance = 2): Promise<void> {
    await expect
      .poll(async () => distance(await this.canvasPixelAt(await this.imagePointToClient(ix, iy)), color), {
        message: `canvas pixel at image (${ix}, ${iy}) should be rgb(${color.join(', ')})`,
      })
      .toBeLessThanOrEqual(tolerance);
  }

  // ——— The editor ———

  get instruction(): Locator {
    return this.page.getByLabel('Instruction', { exact: true });
  }

  get versionRows(): Locator {
    return this.page.getByRole('treeitem');
  }

  get headRow(): Locator {
    return this.page.locator('[role=treeitem][data-head=true]');
  }

  /** Sets steps and the output size for a quick run on the demo model (size: the source's, or custom). */
  async setRunSettings({ steps, size }: { steps: number; size?: { width: number; height: number } }) {
    await this.page.locator('#steps').fill(String(steps));
    if (size) {
      await this.page.locator('#size-mode').selectOption('custom');
      await this.page.getByLabel('Output width').fill(String(size.width));
      await this.page.getByLabel('Output height').fill(String(size.height));
    } else {
      await this.page.locator('#size-mode').selectOption('source');
    }
  }

  async seed(): Promise<number> {
    return Number(await this.page.locator('#seed').inputValue());
  }

  /** Locks the seed field to `seed`, so the run's recipe can be predicted. */
  async lockSeed(seed: number): Promise<void> {
    await this.page.locator('#seed').fill(String(seed));
    const lock = this.page.getByRole('button', { name: 'Lock seed' });
    if ((await lock.getAttribute('aria-pressed')) !== 'true') await lock.click();
  }

  /** Waits until the run has ended and the UI is ready for another (Run enabled again, no progress). */
  async waitForRunEnd(timeout = 90_000): Promise<void> {
    await expect.poll(() => this.page.evaluate(() => window.__qeTest!.jobStatus()), { timeout }).toBe('idle');
  }

  project() {
    return this.page.evaluate(() => window.__qeTest!.project());
  }

  /**
   * Starts sampling the preview layer's canvas on every animation frame in the page, keeping the distinct
   * pixel hashes it shows while it has content. `stopPreviewSampler` returns them.
   */
  async startPreviewSampler(): Promise<void> {
    await this.page.evaluate(() => {
      const w = window as unknown as { __sampler?: { hashes: string[]; stop: boolean; samples: number } };
      const state = { hashes: [] as string[], stop: false, samples: 0 };
      w.__sampler = state;
      const tick = () => {
        if (state.stop) return;
        const canvas = window.__qeTest!.layerCanvas('preview-layer');
        if (canvas && canvas.width > 0) {
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let hash = 0x811c9dc5;
          let opaque = 0;
          // FNV-1a over every 7th byte: cheap, and any change of the drawn preview changes it.
          for (let i = 0; i < data.length; i += 7) {
            hash = Math.imul(hash ^ data[i]!, 16777619) >>> 0;
            if ((i & 3) === 3 && data[i]! > 0) opaque++;
          }
          state.samples++;
          const key = hash.toString(16);
          if (opaque > 0 && state.hashes.at(-1) !== key) state.hashes.push(key);
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  }

  async stopPreviewSampler(): Promise<{ hashes: string[]; samples: number }> {
    return this.page.evaluate(() => {
      const w = window as unknown as { __sampler?: { hashes: string[]; stop: boolean; samples: number } };
      w.__sampler!.stop = true;
      return { hashes: [...new Set(w.__sampler!.hashes)], samples: w.__sampler!.samples };
    });
  }

  /** Clicks an export button and returns the downloaded file's bytes and name. */
  async exportViewed(format: 'PNG' | 'JPEG' | 'WEBP'): Promise<{ bytes: Buffer; name: string }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page
        .getByRole('group', { name: 'Export' })
        .getByRole('button', { name: format, exact: true })
        .click(),
    ]);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    return { bytes: await readFile(path), name: download.suggestedFilename() };
  }

  /** Saves a screenshot under e2e/artifacts/screenshots and attaches it to the report. */
  async screenshot(name: string): Promise<string> {
    const path = new URL(`../artifacts/screenshots/${name}.png`, import.meta.url).pathname;
    await this.page.screenshot({ path });
    return path;
  }
}

/** The largest per-channel difference between two colours. */
export function distance(a: Rgb, b: Rgb): number {
  return Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
