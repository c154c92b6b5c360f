// Burnish compare: the before/after slider, the zoom and enlargement toggles, and crop sizing. No dependencies.
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const $ = (id) => document.getElementById(id);
  const stage = $('stage');
  const viewport = $('viewport');
  const canvas = $('canvas');
  const divider = $('divider');
  const pickers = { left: $('left-version'), right: $('right-version') };
  const tags = { left: $('tag-left'), right: $('tag-right') };
  const layers = Array.from(canvas.querySelectorAll('img.version'));
  const crops = Array.from(document.querySelectorAll('img.crop-image'));
  const frame = data.frame;
  const lens = $('lens');
  const lensCanvas = $('lens-canvas');
  // The lens shows copies of the same images (same data, decoded once by the browser), not a second renderer;
  // made the first time it is turned on.
  let lensLayers = null;
  // Smooth by default: a smaller version then looks as it would if enlarged for real; N shows its pixels.
  // lensAt: the pointer in client coordinates; null puts the lens on the divider (keyboard use).
  const state = { left: 0, right: layers.length - 1, pos: 0.5, zoom: 'fit', interp: 'smooth', lens: false, lensAt: null };
  const clamp = (v) => Math.min(1, Math.max(0, v));
  const dpr = () => window.devicePixelRatio || 1;

  // Fit: the whole frame in the window (enlarged or reduced). 100 %: one pixel of the largest version per device pixel.
  function sizeCanvas() {
    let w, h;
    if (state.zoom === 'actual') {
      w = frame.width / dpr();
      h = frame.height / dpr();
    } else {
      const scale = Math.min(viewport.clientWidth / frame.width, Math.max(240, window.innerHeight * 0.78) / frame.height);
      w = Math.max(1, Math.floor(frame.width * scale));
      h = Math.max(1, Math.floor(frame.height * scale));
    }
    canvas.style.width = w + 'px';
    canvas.style.height = h + 'px';
  }

  // The part of the canvas that is on screen, in client coordinates.
  function visible() {
    const c = canvas.getBoundingClientRect();
    const v = viewport.getBoundingClientRect();
    return { c, left: Math.max(c.left, v.left), right: Math.min(c.right, v.right), top: Math.max(c.top, v.top), bottom: Math.min(c.bottom, v.bottom) };
  }

  // Device pixels per image pixel for version i as drawn now (object-fit: contain).
  function scaleOf(i, c) {
    const v = data.versions[i];
    return Math.min(c.width / v.width, c.height / v.height) * dpr();
  }

  function describe(i, c) {
    const v = data.versions[i];
    const s = scaleOf(i, c);
    let shown;
    if (Math.abs(s - 1) < 0.005) shown = '100 %';
    else if (s > 1) shown = 'enlarged ×' + (Math.round(s * 100) / 100) + ' (' + state.interp + ')';
    else shown = Math.round(s * 100) + ' %';
    return (i + 1) + ' · ' + v.label + ' · ' + v.width + '×' + v.height + ' · ' + shown + (v.sameFraming ? '' : ' · framed differently');
  }

  function render() {
    layers.forEach((img, i) => {
      img.hidden = i !== state.left && i !== state.right;
      img.classList.toggle('over', i === state.right);
    });
    const r = visible();
    const x = r.left + state.pos * Math.max(0, r.right - r.left);
    const inCanvas = x - r.c.left;
    layers[state.left].style.clipPath = 'inset(0 ' + Math.max(0, r.c.width - inCanvas) + 'px 0 0)';
    layers[state.right].style.clipPath = 'inset(0 0 0 ' + Math.max(0, inCanvas) + 'px)';
    const s = stage.getBoundingClientRect();
    divider.style.left = (x - s.left) + 'px';
    divider.style.top = (r.top - s.top) + 'px';
    divider.style.height = Math.max(0, r.bottom - r.top) + 'px';
    const percent = Math.round(state.pos * 100);
    divider.setAttribute('aria-valuenow', String(percent));
    divider.setAttribute('aria-valuetext', percent + ' %: left ' + data.versions[state.left].label + ', right ' + data.versions[state.right].label);
    for (const side of ['left', 'right']) {
      const i = state[side];
      layers[i].classList.toggle('pixelated', state.interp === 'nearest' && scaleOf(i, r.c) > 1.001);
      tags[side].textContent = describe(i, r.c);
    }
    renderLens(r, x);
  }

  // The lens: the frame at 100 % (one pixel of the largest version per device pixel), centred on the point under
  // it, left version left of the divider and right version right of it, as on the stage. Offsets are rounded to
  // device pixels so that pixels are not resampled.
  function renderLens(r, dividerX) {
    lens.hidden = !state.lens;
    if (!state.lens) return;
    const d = dpr();
    const snap = (v) => Math.round(v * d) / d;
    const at = state.lensAt || { x: dividerX, y: (r.top + r.bottom) / 2 };
    const fx = clamp((at.x - r.c.left) / r.c.width) * frame.width;
    const fy = clamp((at.y - r.c.top) / r.c.height) * frame.height;
    const w = frame.width / d, h = frame.height / d;
    const s = stage.getBoundingClientRect();
    const outer = lens.offsetWidth, inner = lens.clientWidth;
    lens.style.left = snap(at.x - s.left - outer / 2) + 'px';
    lens.style.top = snap(at.y - s.top - outer / 2) + 'px';
    lensCanvas.style.width = w + 'px';
    lensCanvas.style.height = h + 'px';
    lensCanvas.style.transform = 'translate(' + snap(inner / 2 - fx / d) + 'px, ' + snap(inner / 2 - fy / d) + 'px)';
    const split = clamp((dividerX - r.c.left) / r.c.width) * w;
    lensLayers.forEach((img, i) => {
      img.hidden = i !== state.left && i !== state.right;
      img.classList.toggle('over', i === state.right);
      img.classList.toggle('pixelated', state.interp === 'nearest' && data.versions[i].width < frame.width);
    });
    lensLayers[state.left].style.clipPath = 'inset(0 ' + Math.max(0, w - split) + 'px 0 0)';
    lensLayers[state.right].style.clipPath = 'inset(0 0 0 ' + split + 'px)';
    $('lens-divider').style.left = split + 'px';
  }

  function setLens(on) {
    if (on && !lensLayers) {
      lensLayers = layers.map((img) => {
        const copy = img.cloneNode();
        copy.className = 'lens-version';
        copy.alt = '';
        copy.addEventListener('load', render);
        lensCanvas.append(copy);
        return copy;
      });
    }
    state.lens = on;
    $('lens-toggle').setAttribute('aria-pressed', String(on));
    render();
  }

  function sizeCrops() {
    for (const img of crops) {
      const shown = Number(img.getAttribute('width'));
      img.style.width = shown / dpr() + 'px';
      img.style.height = Number(img.getAttribute('height')) / dpr() + 'px';
      img.classList.toggle('pixelated', state.interp === 'nearest' && Number(img.dataset.pixels) < shown);
    }
  }

  function setPos(pos) { state.pos = clamp(pos); render(); }

  function pick(side, i) {
    if (i < 0 || i >= layers.length) return;
    const other = side === 'left' ? 'right' : 'left';
    if (state[other] === i) state[other] = state[side]; // picking the other side's version swaps them
    state[side] = i;
    pickers.left.value = String(state.left);
    pickers.right.value = String(state.right);
    render();
  }

  function swap() { pick('left', state.right); }

  function setZoom(zoom) {
    if (zoom === state.zoom) return;
    const before = visible();
    const fx = (before.left + state.pos * (before.right - before.left) - before.c.left) / before.c.width;
    state.zoom = zoom;
    stage.classList.toggle('actual', zoom === 'actual');
    for (const b of document.querySelectorAll('[data-zoom]')) b.setAttribute('aria-pressed', String(b.dataset.zoom === zoom));
    sizeCanvas();
    if (zoom === 'actual') {
      // Keep the point under the divider under it, and centre vertically.
      const c = canvas.getBoundingClientRect();
      viewport.scrollLeft = fx * c.width - state.pos * viewport.clientWidth;
      viewport.scrollTop = (c.height - viewport.clientHeight) / 2;
    }
    render();
  }

  function setInterp(interp) {
    state.interp = interp;
    for (const b of document.querySelectorAll('[data-interp]')) b.setAttribute('aria-pressed', String(b.dataset.interp === interp));
    render();
    sizeCrops();
  }

  let drag = null;
  stage.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    if (state.zoom === 'actual' && !divider.contains(e.target)) {
      drag = { pan: true, x: e.clientX, y: e.clientY, left: viewport.scrollLeft, top: viewport.scrollTop };
      viewport.classList.add('panning');
    } else {
      drag = { pan: false };
      const r = visible();
      setPos((e.clientX - r.left) / Math.max(1, r.right - r.left));
    }
    stage.setPointerCapture(e.pointerId);
    divider.focus({ preventScroll: true });
    e.preventDefault();
  });
  stage.addEventListener('pointermove', (e) => {
    if (state.lens) {
      state.lensAt = { x: e.clientX, y: e.clientY };
      if (!drag) render();
    }
    if (!drag) return;
    if (drag.pan) {
      viewport.scrollLeft = drag.left - (e.clientX - drag.x);
      viewport.scrollTop = drag.top - (e.clientY - drag.y);
    } else {
      const r = visible();
      setPos((e.clientX - r.left) / Math.max(1, r.right - r.left));
    }
  });
  const endDrag = () => { drag = null; viewport.classList.remove('panning'); };
  stage.addEventListener('pointerup', endDrag);
  stage.addEventListener('pointercancel', endDrag);
  viewport.addEventListener('scroll', render, { passive: true });
  window.addEventListener('resize', () => { sizeCanvas(); render(); sizeCrops(); });

  pickers.left.addEventListener('change', () => pick('left', Number(pickers.left.value)));
  pickers.right.addEventListener('change', () => pick('right', Number(pickers.right.value)));
  $('swap').addEventListener('click', swap);
  $('lens-toggle').addEventListener('click', () => { state.lensAt = null; setLens(!state.lens); });
  for (const b of document.querySelectorAll('[data-zoom]')) b.addEventListener('click', () => setZoom(b.dataset.zoom));
  for (const b of document.querySelectorAll('[data-interp]')) b.addEventListener('click', () => setInterp(b.dataset.interp));

  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target;
    if (target instanceof HTMLSelectElement || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return;
    const step = e.shiftKey ? 0.1 : 0.02;
    const onDivider = target === divider;
    if (e.key === 'ArrowLeft') setPos(state.pos - step);
    else if (e.key === 'ArrowRight') setPos(state.pos + step);
    else if (e.key === 'Home' && onDivider) setPos(0);
    else if (e.key === 'End' && onDivider) setPos(1);
    else if (e.key === 'z' || e.key === 'Z') setZoom(state.zoom === 'fit' ? 'actual' : 'fit');
    else if (e.key === 's' || e.key === 'S') swap();
    else if (e.key === 'l' || e.key === 'L') { state.lensAt = null; setLens(!state.lens); }
    else if (e.key === 'n' || e.key === 'N') setInterp(state.interp === 'nearest' ? 'smooth' : 'nearest');
    else if (/^Digit[1-9]$/.test(e.code) && Number(e.code.slice(5)) <= layers.length) pick(e.shiftKey ? 'left' : 'right', Number(e.code.slice(5)) - 1);
    else return;
    e.preventDefault();
  });

  for (const img of layers) img.addEventListener('load', render);
  sizeCanvas();
  render();
  sizeCrops();
})();
