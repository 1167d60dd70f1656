// A crop and black-out tool for one picture in the attachments preview: drag a rectangle on it
// (mouse, pen or touch), move it with the arrow keys and resize it with Shift and the arrows, or
// type its edges; then keep only that part, or fill it with solid black (a name, a face). The
// rectangle is drawn on a canvas, so the page needs no inline style (CSP style-src 'self'); the
// editing itself is the caller's, through the same canvas re-encoding that stripped the picture.
import { make } from './make-element.js';
import type { PictureArea, PictureEdit } from './strip-image.js';
import { word } from '../page-words.js';

export interface CropPanelOptions {
  /** The stripped picture, unedited. */
  picture: Blob;
  /** The picture in words, for labels: "this picture", "page 2". */
  name: string;
  /** Makes the file the picture edited so (an empty edit: the stripped original); resolves with a refusal to show, if any. */
  apply(edit: PictureEdit): Promise<string | undefined>;
}

/** The arrow keys move or resize by this fraction of the picture's longer side. */
const KEY_STEPS = 64;
/** How near a corner, in CSS pixels, a drag takes hold of it. */
const CORNER_REACH = 16;
/** The preview canvas's longer side, in canvas pixels: sharp enough, small in memory. */
const PREVIEW_SIDE = 960;
const EDGES = [
  ['x', 'common:browser.crop.fromLeft'],
  ['y', 'common:browser.crop.fromTop'],
  ['width', 'common:browser.crop.width'],
  ['height', 'common:browser.crop.height'],
] as const;

const ARROWS: Record<string, readonly [number, number] | undefined> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

let panels = 0;
const clamp = (value: number, low: number, high: number) => Math.min(Math.max(Math.round(value), low), high);

export interface CropPanel {
  element: HTMLDetailsElement;
  /** A rectangle is drawn that is neither the crop applied nor blacked out: the source may think it done. */
  undecided(): boolean;
}

/** A closed "Crop or black out" disclosure; the picture is decoded only when it is first opened. */
export function cropPanel(options: CropPanelOptions): CropPanel {
  let body: ReturnType<typeof cropBody> | undefined;
  const details = make('details', undefined, 'crop-panel');
  details.append(make('summary', word('common:browser.crop.summary', { name: options.name })));
  let opened = false;
  details.addEventListener('toggle', () => {
    if (!details.open || opened) return;
    opened = true;
    const loading = make('p', word('common:browser.crop.opening'), 'hint');
    details.append(loading);
    void createImageBitmap(options.picture).then(
      (bitmap) => {
        body = cropBody(bitmap, options);
        loading.replaceWith(body.element);
      },
      () => (loading.textContent = word('common:browser.crop.cannotOpen')),
    );
  });
  return { element: details, undecided: () => body?.undecided() ?? false };
}

function cropBody(bitmap: ImageBitmap, options: CropPanelOptions): Pick<CropPanel, 'undecided'> & { element: HTMLElement } {
  const { width: W, height: H } = bitmap;
  const id = `crop-${++panels}`;
  const whole: PictureArea = { x: 0, y: 0, width: W, height: H };
  let area = whole;
  const isWhole = (a: PictureArea) => a.width === W && a.height === H;
  /** What is applied to the file being sent. */
  let applied: PictureEdit = { covers: [] };
  const kept = () => applied.crop ?? whole;
  const undecided = () => (['x', 'y', 'width', 'height'] as const).some((edge) => area[edge] !== kept()[edge]);

  const body = make('div', undefined, 'crop-body');
  const hint = make('p', word('common:browser.crop.howTo'), 'hint');
  hint.id = `${id}-hint`;
  const canvas = make('canvas', undefined, 'crop-canvas');
  const scale = Math.min(1, PREVIEW_SIDE / Math.max(W, H));
  canvas.width = Math.max(1, Math.round(W * scale));
  canvas.height = Math.max(1, Math.round(H * scale));
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'application');
  canvas.setAttribute('aria-label', word('common:browser.crop.rectangleOn', { name: options.name }));
  canvas.setAttribute('aria-describedby', hint.id);
  // The picture drawn once at preview size; the full-size bitmap is let go.
  const base = make('canvas');
  base.width = canvas.width;
  base.height = canvas.height;
  base.getContext('2d')?.drawImage(bitmap, 0, 0, base.width, base.height);
  bitmap.close();

  const fields = make('div', undefined, 'crop-fields');
  const inputs = EDGES.map(([edge, label]) => {
    const field = make('div', undefined, 'field');
    const input = make('input');
    input.type = 'number';
    input.id = `${id}-${edge}`;
    input.min = '0';
    input.step = '1';
    input.inputMode = 'numeric';
    const caption = make('label', word(label));
    caption.htmlFor = input.id;
    field.append(caption, input);
    fields.append(field);
    input.addEventListener('change', () => {
      if (!Number.isFinite(input.valueAsNumber)) return show();
      select({ ...area, [edge]: input.valueAsNumber });
      announce();
    });
    return input;
  });
  const selected = make('p', '', 'hint');
  selected.setAttribute('role', 'status');
  const refusal = make('p', '', 'error-summary');
  refusal.hidden = true;
  const button = (text: string, className?: string) => Object.assign(make('button', text, className), { type: 'button' });
  const applyButton = button(word('common:browser.crop.apply'));
  const coverButton = button(word('common:browser.crop.cover'));
  const undoButton = button(word('common:browser.crop.undo'), 'secondary');
  const uncoverButton = button(word('common:browser.crop.uncover'), 'secondary');
  const forgetButton = button(word('common:browser.crop.forget'), 'secondary');
  const buttons = [applyButton, coverButton, undoButton, uncoverButton, forgetButton];
  const actions = make('div', undefined, 'crop-actions');
  actions.append(...buttons);
  body.append(hint, canvas, fields, selected, refusal, actions);

  function select(next: PictureArea) {
    const x = clamp(next.x, 0, W - 1);
    const y = clamp(next.y, 0, H - 1);
    area = { x, y, width: clamp(next.width, 1, W - x), height: clamp(next.height, 1, H - y) };
    show();
  }

  function show() {
    for (const [i, [edge]] of EDGES.entries()) inputs[i]!.value = String(area[edge]);
    forgetButton.hidden = !undecided();
    inputs[0]!.max = String(W - 1);
    inputs[1]!.max = String(H - 1);
    inputs[2]!.max = String(W - area.x);
    inputs[3]!.max = String(H - area.y);
    const context = canvas.getContext('2d');
    if (!context) return;
    const s = canvas.width / W;
    const line = Math.max(1, canvas.width / 480);
    const [x, y, w, h] = [area.x * s, area.y * s, area.width * s, area.height * s];
    context.drawImage(base, 0, 0);
    context.fillStyle = '#000000';
    for (const cover of applied.covers) context.fillRect(cover.x * s, cover.y * s, cover.width * s, cover.height * s);
    // Outside the rectangle is dimmed: what will be cut away.
    context.fillStyle = 'rgba(0, 0, 0, 0.6)';
    context.beginPath();
    context.rect(0, 0, canvas.width, canvas.height);
    context.rect(x, y, w, h);
    context.fill('evenodd');
    context.lineWidth = 2 * line;
    context.setLineDash([]);
    context.strokeStyle = '#ffffff';
    context.strokeRect(x, y, w, h);
    context.setLineDash([6 * line, 6 * line]);
    context.strokeStyle = '#000000';
    context.strokeRect(x, y, w, h);
    context.setLineDash([]);
    const handle = 8 * line;
    for (const [cx, cy] of [
      [x, y],
      [x + w, y],
      [x, y + h],
      [x + w, y + h],
    ] as const) {
      context.fillStyle = '#ffffff';
      context.fillRect(cx - handle / 2, cy - handle / 2, handle, handle);
      context.strokeRect(cx - handle / 2, cy - handle / 2, handle, handle);
    }
  }

  function announce() {
    selected.textContent = word('common:browser.crop.keeping', { width: area.width, height: area.height, fullWidth: W, fullHeight: H, x: area.x, y: area.y });
  }

  /** The picture pixel under a pointer, within the picture. */
  function pointAt(event: PointerEvent) {
    const box = canvas.getBoundingClientRect();
    return {
      x: Math.min(Math.max(((event.clientX - box.left) * W) / box.width, 0), W),
      y: Math.min(Math.max(((event.clientY - box.top) * H) / box.height, 0), H),
    };
  }

  // A drag either spans a rectangle from a fixed corner (a new one, or an existing one's opposite
  // corner when a corner is taken hold of) or moves the rectangle it started inside.
  let drag: { anchor: { x: number; y: number } } | { offset: { x: number; y: number } } | undefined;
  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    canvas.focus({ preventScroll: true }); // a scroll would move the picture under the pointer
    const p = pointAt(event);
    const reach = (CORNER_REACH * W) / canvas.getBoundingClientRect().width;
    const corners = [
      { x: area.x, y: area.y },
      { x: area.x + area.width, y: area.y },
      { x: area.x, y: area.y + area.height },
      { x: area.x + area.width, y: area.y + area.height },
    ];
    const held = corners.findIndex((c) => Math.abs(c.x - p.x) <= reach && Math.abs(c.y - p.y) <= reach);
    const inside = p.x > area.x && p.x < area.x + area.width && p.y > area.y && p.y < area.y + area.height;
    if (held >= 0) drag = { anchor: corners[3 - held]! };
    else if (inside && (area.width < W || area.height < H)) drag = { offset: { x: p.x - area.x, y: p.y - area.y } };
    else drag = { anchor: p };
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const p = pointAt(event);
    if ('anchor' in drag) {
      const { anchor } = drag;
      const x = Math.floor(Math.min(anchor.x, p.x));
      const y = Math.floor(Math.min(anchor.y, p.y));
      select({ x, y, width: Math.ceil(Math.max(anchor.x, p.x)) - x, height: Math.ceil(Math.max(anchor.y, p.y)) - y });
    } else {
      select({ ...area, x: clamp(p.x - drag.offset.x, 0, W - area.width), y: clamp(p.y - drag.offset.y, 0, H - area.height) });
    }
  });
  const release = () => {
    if (!drag) return;
    drag = undefined;
    announce();
  };
  canvas.addEventListener('pointerup', release);
  canvas.addEventListener('pointercancel', release);

  canvas.addEventListener('keydown', (event) => {
    const step = Math.max(1, Math.round(Math.max(W, H) / KEY_STEPS));
    const direction = ARROWS[event.key];
    if (!direction) return;
    event.preventDefault();
    const [dx, dy] = [direction[0] * step, direction[1] * step];
    if (event.shiftKey) select({ ...area, width: area.width + dx, height: area.height + dy });
    else select({ ...area, x: clamp(area.x + dx, 0, W - area.width), y: clamp(area.y + dy, 0, H - area.height) });
    announce();
  });

  /** Applies `next` to the file; once it is, says `done` and shows what can be undone. */
  async function edit(next: PictureEdit, done: string) {
    for (const button of buttons) button.disabled = true;
    const refused = await options.apply(next);
    for (const button of buttons) button.disabled = false;
    refusal.hidden = refused === undefined;
    refusal.textContent = refused ?? '';
    if (refused) return;
    applied = next;
    selected.textContent = done;
    showUndo();
    select(kept()); // a black-out done, the rectangle goes back to the crop
  }
  function showUndo() {
    undoButton.hidden = applied.crop === undefined;
    uncoverButton.hidden = applied.covers.length === 0;
  }
  applyButton.addEventListener('click', () => {
    const crop = isWhole(area) ? undefined : area;
    void edit({ ...applied, crop }, crop ? word('common:browser.crop.cropped', { width: area.width, height: area.height }) : word('common:browser.crop.whole'));
  });
  coverButton.addEventListener('click', () => {
    // Blacking out the whole picture would send nothing worth sending: a rectangle comes first.
    if (isWhole(area)) return void (selected.textContent = word('common:browser.crop.drawFirst'));
    void edit({ ...applied, covers: [...applied.covers, area] }, word('common:browser.crop.blackedOut', { width: area.width, height: area.height }));
  });
  undoButton.addEventListener('click', () => {
    select(whole);
    void edit({ covers: applied.covers }, word('common:browser.crop.whole'));
  });
  forgetButton.addEventListener('click', () => {
    select(kept());
    selected.textContent = word('common:browser.crop.forgotten');
  });
  uncoverButton.addEventListener('click', () => void edit({ ...applied, covers: applied.covers.slice(0, -1) }, word('common:browser.crop.uncovered')));

  showUndo();
  show();
  return { element: body, undecided };
}
