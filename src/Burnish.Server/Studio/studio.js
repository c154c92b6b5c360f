// Burnish studio: a client of the public /v1 API only. Plain JS, no dependencies, no request beyond this origin.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    for (const child of children) node.append(child);
    return node;
  };
  const ASPECTS = ['1:1', '4:5', '3:2', '16:9', '9:16'];
  const PRINT_PPI = 300;
  const state = { images: [], selected: -1, models: [], destinations: [], jobs: [], loadedRecipe: null, resultJob: null };

  function say(text) { $('status').textContent = text; }

  // A problem-details answer becomes its one-line detail.
  async function api(path, options = {}) {
    const response = await fetch(path, options);
    const type = response.headers.get('content-type') || '';
    const body = type.includes('json') ? await response.json() : await response.text();
    if (!response.ok) {
      const detail = body && body.detail ? body.detail : String(response.status);
      const error = new Error(detail);
      error.problems = body && body.problems;
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function form(fields) {
    const data = new FormData();
    for (const [key, value] of fields) data.append(key, ...(Array.isArray(value) ? value : [value]));
    return data;
  }

  // ---- Bring images ----
  const IMAGE = /\.(png|jpe?g|webp|tiff?|avif|gif)$/i;

  function addFiles(files) {
    for (const file of files) {
      if (!IMAGE.test(file.name) && !(file.type || '').startsWith('image/')) continue;
      const image = { file, name: file.webkitRelativePath || file.name, url: URL.createObjectURL(file), info: null, preview: null, problem: null };
      state.images.push(image);
      renderImage(image);
      inspect(image);
    }
    if (state.selected < 0 && state.images.length) select(0);
    updateRun();
  }

  async function inspect(image) {
    try {
      image.info = await api('/v1/info', { method: 'POST', body: form([['image', [image.file, image.file.name]]]) });
    } catch (e) {
      image.problem = e.message;
    }
    renderImage(image);
    if (state.images[state.selected] === image) showPreview();
  }

  function facts(image) {
    if (image.problem) return [image.problem];
    if (!image.info) return ['reading…'];
    const i = image.info.info || {};
    const g = image.info.generation;
    const lines = [`${i.width}×${i.height}`];
    if (g) {
      lines.push([g.tool, g.model].filter(Boolean).join(' · '));
      if (g.seed != null) lines.push(`seed ${g.seed}`);
      if (g.prompt) lines.push(g.prompt.length > 90 ? g.prompt.slice(0, 90) + '…' : g.prompt);
    } else {
      lines.push('no generation metadata');
    }
    return lines;
  }

  function renderImage(image) {
    const index = state.images.indexOf(image);
    const item = el('li', { className: 'image' + (image.problem ? ' bad' : '') });
    item.dataset.index = String(index);
    const pick = el('button', { type: 'button', className: 'pick' });
    pick.setAttribute('aria-pressed', String(index === state.selected));
    pick.append(el('img', { src: image.url, alt: '', width: 64, height: 64 }), el('span', { className: 'name', textContent: image.name }));
    pick.addEventListener('click', () => select(index));
    const remove = el('button', { type: 'button', className: 'remove', textContent: '×', title: 'Remove ' + image.name });
    remove.setAttribute('aria-label', 'Remove ' + image.name);
    remove.addEventListener('click', () => removeImage(index));
    const meta = el('div', { className: 'facts' });
    for (const line of facts(image)) meta.append(el('span', { textContent: line }));
    item.append(pick, remove, meta);
    const old = $('image-list').querySelector(`li[data-index="${index}"]`);
    if (old) old.replaceWith(item); else $('image-list').append(item);
  }

  function rerenderImages() {
    $('image-list').replaceChildren();
    state.images.forEach(renderImage);
  }

  function removeImage(index) {
    URL.revokeObjectURL(state.images[index].url);
    state.images.splice(index, 1);
    if (state.selected >= state.images.length) state.selected = state.images.length - 1;
    rerenderImages();
    showPreview();
    updateRun();
  }

  function select(index) {
    state.selected = index;
    for (const b of $('image-list').querySelectorAll('.pick')) b.setAttribute('aria-pressed', String(b.parentElement.dataset.index === String(index)));
    showPreview();
  }

  // Folders dropped: walk their entries (Chromium and Firefox expose webkitGetAsEntry).
  async function filesOf(dataTransfer) {
    const entries = Array.from(dataTransfer.items || []).map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    if (!entries.length) return Array.from(dataTransfer.files);
    const out = [];
    async function walk(entry, path) {
      if (entry.isFile) {
        const file = await new Promise((ok, fail) => entry.file(ok, fail));
        Object.defineProperty(file, 'webkitRelativePath', { value: path + file.name });
        out.push(file);
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        for (;;) {
          const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
          if (!batch.length) break;
          for (const child of batch) await walk(child, path + entry.name + '/');
        }
      }
    }
    for (const entry of entries) await walk(entry, '');
    return out;
  }

  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (e) => { e.preventDefault(); drop.classList.remove('over'); addFiles(await filesOf(e.dataTransfer)); });
  $('pick-files').addEventListener('change', (e) => { addFiles(e.target.files); e.target.value = ''; });
  $('pick-folder').addEventListener('change', (e) => { addFiles(e.target.files); e.target.value = ''; });

  // ---- Look preview: the server grades a cached 1024-px working copy ----
  let previewToken = 0;
  async function showPreview() {
    const image = state.images[state.selected];
    $('preview-frame').hidden = !image;
    $('preview-empty').hidden = !!image;
    if (!image) { $('preview-facts').textContent = ''; return; }
    const token = ++previewToken;
    try {
      if (!image.preview) {
        $('preview').src = image.url;
        image.preview = await api('/v1/previews', { method: 'POST', body: form([['image', [image.file, image.file.name]]]) });
      }
      if (token !== previewToken) return;
      const look = $('look').value || 'none';
      const started = performance.now();
      const img = $('preview');
      img.src = `${image.preview.url}?look=${encodeURIComponent(look)}`;
      await img.decode().catch(() => {});
      if (token !== previewToken) return;
      $('preview-facts').textContent = `${image.name}: look ${look}, ${image.preview.width}×${image.preview.height} preview in ${Math.round(performance.now() - started)} ms`;
    } catch (e) {
      image.problem = image.problem || e.message;
      $('preview-facts').textContent = `${image.name}: ${e.message}`;
      renderImage(image);
    }
    drawFrames();
    showMask();
    showPrintSize();
  }

  // The new canvas of each chosen aspect drawn around the picture, as outpaint will extend it.
  function drawFrames() {
    const frames = $('aspect-frames');
    frames.replaceChildren();
    const image = state.images[state.selected];
    const size = image && image.info && image.info.info;
    if (!size) return;
    const chosen = Array.from($('aspects').querySelectorAll('input:checked')).map((i) => i.value);
    const img = $('preview');
    const w = img.clientWidth, h = img.clientHeight;
    if (!w || !h) return;
    for (const aspect of chosen) {
      const [a, b] = aspect.split(':').map(Number);
      const r = a / b, own = size.width / size.height;
      const fw = own < r ? h * r : w, fh = own < r ? h : w / r;
      const box = el('div', { className: 'aspect-frame' });
      box.style.width = fw + 'px';
      box.style.height = fh + 'px';
      box.style.left = (w - fw) / 2 + 'px';
      box.style.top = (h - fh) / 2 + 'px';
      box.append(el('span', { textContent: aspect }));
      frames.append(box);
    }
  }

  function showPrintSize() {
    const image = state.images[state.selected];
    const size = image && image.info && image.info.info;
    const model = $('model').value;
    if (!size || !model) { $('print-size').textContent = model ? '' : 'No upscale: the master keeps the source size.'; return; }
    const s = Number($('scale').value);
    const w = size.width * s, h = size.height * s;
    const cm = (px) => (px / PRINT_PPI * 2.54).toFixed(1);
    $('print-size').textContent = `${w}×${h} px: prints ${cm(w)} × ${cm(h)} cm at ${PRINT_PPI} ppi`;
  }

  // ---- Repair mask: layers per image at the preview's resolution (the repair stretches a mask to the image) ----
  // Each layer is the alpha of a canvas (0 keep, 255 repair): the painted one, and one per automatic kind found by
  // the server. The accepted layers' union is what goes with the job; Show only changes what is drawn. The brush,
  // eraser, invert and clear act on the layer being edited; undo and redo keep whole snapshots of it, at most 40.
  const maskView = $('mask-view');
  const UNDO_LIMIT = 40;

  function newLayer(name, width, height, auto) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    return { name, canvas, accepted: !auto, visible: true, auto, note: '' };
  }

  function maskOf(image) {
    const size = image && image.info && image.info.info;
    if (!size) return null;
    if (!image.mask) {
      const scale = Math.min(1, 1024 / Math.max(size.width, size.height));
      const width = Math.max(1, Math.round(size.width * scale)), height = Math.max(1, Math.round(size.height * scale));
      image.mask = { width, height, layers: [newLayer('painted', width, height, false)], active: 0, undo: [], redo: [] };
    }
    return image.mask;
  }

  const activeLayer = (mask) => mask.layers[mask.active];
  const alphaOf = (layer) => layer.canvas.getContext('2d').getImageData(0, 0, layer.canvas.width, layer.canvas.height).data;

  // The per-pixel maximum of the layers' alpha: what a union of masks is.
  function union(mask, pick) {
    const out = new Uint8ClampedArray(mask.width * mask.height);
    for (const layer of mask.layers.filter(pick)) {
      const data = alphaOf(layer);
      for (let i = 0, p = 3; i < out.length; i++, p += 4) if (data[p] > out[i]) out[i] = data[p];
    }
    return out;
  }

  // Accepted layers in red, proposals not yet accepted in blue; the canvas alpha is the union of the shown layers.
  // withLayers: also rebuild the layer list (not on every pointer move, and not under a focused checkbox).
  function showMask(withLayers = true) {
    const mask = maskOf(state.images[state.selected]);
    maskView.hidden = !mask;
    if (withLayers) renderLayers(mask);
    if (!mask) return;
    if (maskView.width !== mask.width || maskView.height !== mask.height) {
      maskView.width = mask.width;
      maskView.height = mask.height;
    }
    const accepted = union(mask, (l) => l.visible && l.accepted);
    const proposed = union(mask, (l) => l.visible && !l.accepted);
    const g = maskView.getContext('2d');
    const pixels = g.createImageData(mask.width, mask.height);
    for (let i = 0, p = 0; i < accepted.length; i++, p += 4) {
      const red = accepted[i] >= proposed[i];
      pixels.data[p] = red ? 255 : 48;
      pixels.data[p + 1] = red ? 48 : 160;
      pixels.data[p + 2] = red ? 48 : 255;
      pixels.data[p + 3] = red ? accepted[i] : proposed[i];
    }
    g.putImageData(pixels, 0, 0);
    maskView.style.opacity = String(Number($('mask-opacity').value) / 100);
    $('mask-coverage').textContent = `mask ${coverage(mask).toFixed(1)} %`;
  }

  // The share of the image the job's mask (the accepted union) covers.
  function coverage(mask) {
    const sent = union(mask, (l) => l.accepted);
    let sum = 0;
    for (const v of sent) sum += v;
    return 100 * sum / (255 * sent.length);
  }

  function layerCoverage(layer) {
    const data = alphaOf(layer);
    let sum = 0;
    for (let p = 3; p < data.length; p += 4) sum += data[p];
    return 100 * sum / (255 * data.length / 4);
  }

  function renderLayers(mask) {
    const list = $('layer-list');
    list.replaceChildren();
    if (!mask) return;
    mask.layers.forEach((layer, index) => {
      const edit = el('input', { type: 'radio', name: 'mask-layer', checked: index === mask.active });
      edit.addEventListener('change', () => { mask.active = index; });
      const accept = el('input', { type: 'checkbox', className: 'layer-accept', checked: layer.accepted });
      accept.addEventListener('change', () => { layer.accepted = accept.checked; accept.closest('li').classList.toggle('accepted', layer.accepted); showMask(false); });
      const show = el('input', { type: 'checkbox', className: 'layer-show', checked: layer.visible });
      show.addEventListener('change', () => { layer.visible = show.checked; showMask(false); });
      const item = el('li', { className: 'layer' + (layer.accepted ? ' accepted' : '') },
        el('label', { title: 'Paint on this layer' }, edit, ` ${layer.name}`),
        el('span', { className: 'muted', textContent: `${layerCoverage(layer).toFixed(1)} %` }),
        el('label', {}, accept, ' Accept'), el('label', {}, show, ' Show'));
      for (const [input, what] of [[edit, 'Edit'], [accept, 'Accept'], [show, 'Show']]) input.setAttribute('aria-label', `${what} the ${layer.name} layer`);
      if (layer.note) item.append(el('span', { className: 'muted note', textContent: layer.note }));
      item.dataset.layer = layer.name;
      list.append(item);
    });
  }

  function snapshot(mask) {
    const layer = activeLayer(mask);
    mask.undo.push({ layer, data: layer.canvas.getContext('2d').getImageData(0, 0, mask.width, mask.height) });
    if (mask.undo.length > UNDO_LIMIT) mask.undo.shift();
    mask.redo = [];
  }

  function restore(mask, from, to) {
    if (!from.length) return;
    const step = from.pop();
    const g = step.layer.canvas.getContext('2d');
    to.push({ layer: step.layer, data: g.getImageData(0, 0, mask.width, mask.height) });
    g.putImageData(step.data, 0, 0);
    mask.active = Math.max(0, mask.layers.indexOf(step.layer));
    showMask();
  }

  // One dab of the brush: a disc whose edge fades over (1 - hardness) of its radius.
  function dab(g, x, y, radius, hardness, erase) {
    const gradient = g.createRadialGradient(x, y, radius * hardness * 0.999, x, y, radius);
    gradient.addColorStop(0, 'rgba(255,255,255,1)');
    gradient.addColorStop(1, 'rgba(255,255,255,0)');
    g.globalCompositeOperation = erase ? 'destination-out' : 'source-over';
    g.fillStyle = hardness >= 1 ? '#fff' : gradient;
    g.beginPath();
    g.arc(x, y, radius, 0, Math.PI * 2);
    g.fill();
    g.globalCompositeOperation = 'source-over';
  }

  let stroke = null;
  function maskPoint(e) {
    const r = maskView.getBoundingClientRect();
    return { x: (e.clientX - r.left) * maskView.width / r.width, y: (e.clientY - r.top) * maskView.height / r.height };
  }
  function paintTo(p) {
    const mask = maskOf(state.images[state.selected]);
    const g = activeLayer(mask).canvas.getContext('2d');
    const radius = Number($('mask-size').value) / 2;
    const hardness = Number($('mask-hardness').value) / 100;
    const erase = document.querySelector('input[name=mask-tool]:checked').value === 'eraser';
    // Dabs a quarter of a radius apart along the segment: a continuous stroke with no gaps.
    const from = stroke.last || p;
    const steps = Math.max(1, Math.ceil(Math.hypot(p.x - from.x, p.y - from.y) / Math.max(0.5, radius / 4)));
    for (let i = stroke.last ? 1 : 0; i <= steps; i++) dab(g, from.x + (p.x - from.x) * i / steps, from.y + (p.y - from.y) * i / steps, radius, hardness, erase);
    stroke.last = p;
    showMask(false);
  }
  maskView.addEventListener('pointerdown', (e) => {
    const mask = maskOf(state.images[state.selected]);
    if (!mask || e.button !== 0) return;
    snapshot(mask);
    stroke = { last: null };
    maskView.setPointerCapture(e.pointerId);
    paintTo(maskPoint(e));
    e.preventDefault();
  });
  maskView.addEventListener('pointermove', (e) => { if (stroke) paintTo(maskPoint(e)); });
  const endStroke = () => { if (stroke) showMask(); stroke = null; };
  maskView.addEventListener('pointerup', endStroke);
  maskView.addEventListener('pointercancel', endStroke);

  function maskAction(action) {
    const mask = maskOf(state.images[state.selected]);
    if (!mask) return;
    if (action === 'undo') return restore(mask, mask.undo, mask.redo);
    if (action === 'redo') return restore(mask, mask.redo, mask.undo);
    snapshot(mask);
    const g = activeLayer(mask).canvas.getContext('2d');
    if (action === 'clear') g.clearRect(0, 0, mask.width, mask.height);
    if (action === 'invert') {
      const pixels = g.getImageData(0, 0, mask.width, mask.height);
      for (let i = 0; i < pixels.data.length; i += 4) {
        pixels.data[i] = pixels.data[i + 1] = pixels.data[i + 2] = 255;
        pixels.data[i + 3] = 255 - pixels.data[i + 3];
      }
      g.putImageData(pixels, 0, 0);
    }
    showMask();
  }

  // Automatic masks: the server runs the repair stage's own finders on the image and answers one grey PNG per kind
  // at this mask's size; each becomes a layer, not accepted until the person says so.
  async function findLayers() {
    const image = state.images[state.selected];
    const mask = maskOf(image);
    const kinds = Array.from($('auto-kinds').querySelectorAll('input:checked')).map((i) => i.value);
    if (!mask || !kinds.length) return;
    $('auto-find').disabled = true;
    $('auto-status').textContent = `finding ${kinds.join(', ')}…`;
    try {
      const answer = await api('/v1/masks', { method: 'POST', body: form([['image', [image.file, image.file.name]], ['kinds', kinds.join(',')], ['width', String(mask.width)], ['height', String(mask.height)]]) });
      for (const found of answer.layers) {
        const picture = new Image();
        picture.src = found.png;
        await picture.decode();
        const layer = newLayer(found.kind, mask.width, mask.height, true);
        const g = layer.canvas.getContext('2d');
        g.drawImage(picture, 0, 0);
        // Grey becomes coverage: white = masked, as the server drew it.
        const pixels = g.getImageData(0, 0, mask.width, mask.height);
        for (let p = 0; p < pixels.data.length; p += 4) {
          pixels.data[p + 3] = pixels.data[p];
          pixels.data[p] = pixels.data[p + 1] = pixels.data[p + 2] = 255;
        }
        g.putImageData(pixels, 0, 0);
        layer.note = found.warnings.join('; ');
        const old = mask.layers.findIndex((l) => l.name === found.kind);
        if (old >= 0) {
          // A layer found again replaces the old one, and the old one's undo steps go with it.
          const gone = mask.layers[old];
          mask.undo = mask.undo.filter((u) => u.layer !== gone);
          mask.redo = mask.redo.filter((u) => u.layer !== gone);
          mask.layers[old] = layer;
        } else {
          mask.layers.push(layer);
        }
      }
      $('auto-status').textContent = answer.layers.map((l) => `${l.kind} ${l.coverage_percent.toFixed(1)} % in ${Math.round(l.ms)} ms`).join(', ');
    } catch (e) {
      $('auto-status').textContent = e.message;
    } finally {
      $('auto-find').disabled = false;
    }
    showMask();
  }
  $('auto-find').addEventListener('click', findLayers);

  for (const action of ['undo', 'redo', 'invert', 'clear']) $('mask-' + action).addEventListener('click', () => maskAction(action));
  $('mask-opacity').addEventListener('input', () => showMask(false));
  $('mask-paint').addEventListener('change', () => maskView.classList.toggle('painting', $('mask-paint').checked));

  document.addEventListener('keydown', (e) => {
    const target = e.target;
    if (target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && target.type !== 'range' && target.type !== 'checkbox' && target.type !== 'radio')) return;
    if ($('view-prepare').hidden) return;
    const key = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && key === 'z') maskAction(e.shiftKey ? 'redo' : 'undo');
    else if ((e.ctrlKey || e.metaKey) && key === 'y') maskAction('redo');
    else if (e.ctrlKey || e.metaKey || e.altKey) return;
    else if (key === 'm') { $('mask-paint').click(); }
    else if (key === 'b' || key === 'e') { document.querySelector(`input[name=mask-tool][value=${key === 'b' ? 'brush' : 'eraser'}]`).checked = true; }
    else if (key === '[' || key === ']') { $('mask-size').value = String(Number($('mask-size').value) * (key === ']' ? 1.25 : 0.8)); }
    else return;
    e.preventDefault();
  });

  // The mask as --mask takes it: an opaque grey PNG of the accepted layers' union, white = repair. Null when empty.
  async function maskPng(image) {
    if (!image.mask) return null;
    const sent = union(image.mask, (l) => l.accepted);
    if (!sent.some((v) => v > 0)) return null;
    const out = document.createElement('canvas');
    out.width = image.mask.width;
    out.height = image.mask.height;
    const g = out.getContext('2d');
    const pixels = g.createImageData(out.width, out.height);
    for (let i = 0, p = 0; i < sent.length; i++, p += 4) {
      pixels.data[p] = pixels.data[p + 1] = pixels.data[p + 2] = sent[i];
      pixels.data[p + 3] = 255;
    }
    g.putImageData(pixels, 0, 0);
    return new Promise((ok) => out.toBlob(ok, 'image/png'));
  }

  // ---- Recipe from the settings ----
  function customRecipe(otherModel) {
    const lines = ['version: 1'];
    const model = otherModel || $('model').value;
    if (model) lines.push('upscale:', `  model: ${model}`, `  scale: ${$('scale').value}`);
    if ($('sharpen').checked) lines.push('sharpen: {}');
    lines.push('export:', '  master:', '    format: png');
    const destinations = Array.from($('destinations').querySelectorAll('input:checked')).map((i) => i.value);
    if (destinations.length) {
      lines.push('  copies:');
      for (const d of destinations) lines.push(`    - destination: ${d}`, '      format: jpeg', '      quality: 90');
    }
    return lines.join('\n') + '\n';
  }

  function mode() { return document.querySelector('input[name=mode]:checked').value; }

  function syncRecipe() {
    const m = mode();
    $('custom').disabled = m !== 'custom';
    $('preset').disabled = m !== 'preset';
    const text = $('recipe-text');
    text.readOnly = m !== 'file';
    if (m === 'custom') text.value = customRecipe();
    else if (m === 'file') text.value = state.loadedRecipe || '# Load a recipe file, or write one here.\nversion: 1\n';
    else text.value = `# The shipped preset "${$('preset').value}" runs as it is (burnish recipe init --preset ${$('preset').value} shows it).\n`;
    showPrintSize();
  }

  function submission() {
    const fields = [];
    if (mode() === 'preset') fields.push(['preset', $('preset').value]);
    else fields.push(['recipe', $('recipe-text').value]);
    if ($('look').value) fields.push(['look', $('look').value]);
    const aspects = Array.from($('aspects').querySelectorAll('input:checked')).map((i) => i.value);
    if (aspects.length) fields.push(['aspects', aspects.join(',')]);
    // Blind A/B: recipe B is a preset, or this custom recipe with another upscale model, and/or another look.
    if ($('ab-on').checked) {
      if ($('b-preset').value) fields.push(['b_preset', $('b-preset').value]);
      else if ($('b-model').value && mode() === 'custom') fields.push(['b_recipe', customRecipe($('b-model').value)]);
      // B keeps A's look unless another is chosen, so that only what was chosen differs.
      const look = $('b-look').value || $('look').value;
      if (look) fields.push(['b_look', look]);
    }
    return fields;
  }

  function syncComparison() {
    const on = $('ab-on').checked;
    for (const id of ['b-preset', 'b-look', 'b-model']) $(id).disabled = !on;
    // Another model needs recipe text to put it in: a custom recipe.
    if (mode() !== 'custom') { $('b-model').value = ''; $('b-model').disabled = true; }
  }

  function showProblems(e) {
    $('recipe-problems').textContent = e ? [e.message].concat(e.problems || []).filter((v, i, a) => a.indexOf(v) === i).join('\n') : '';
    if (e) $('recipe-text').closest('details').open = true;
  }

  $('save-recipe').addEventListener('click', () => {
    const text = mode() === 'preset' ? customRecipe() : $('recipe-text').value;
    const link = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/yaml' })), download: 'burnish.yaml' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
  $('load-recipe').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    state.loadedRecipe = await file.text();
    document.querySelector('input[name=mode][value=file]').checked = true;
    syncRecipe();
    e.target.value = '';
    validate();
  });
  async function validate() {
    try {
      const answer = await api('/v1/recipes/validate', { method: 'POST', body: form([['recipe', $('recipe-text').value]]) });
      showProblems(null);
      say(`Recipe is valid (sha256 ${answer.sha256.slice(0, 12)}…)`);
      return true;
    } catch (e) {
      showProblems(e);
      return false;
    }
  }
  $('validate').addEventListener('click', validate);

  function updateRun() { $('run').disabled = !state.images.some((i) => !i.problem || i.info === null); }

  // ---- Run and watch ----
  $('settings').addEventListener('submit', async (e) => {
    e.preventDefault();
    const images = state.images.slice();
    if (!images.length) return;
    const fields = submission();
    if ($('ab-on').checked && !$('b-preset').value && !$('b-model').value && !$('b-look').value) { say('A/B: choose a preset, a look or an upscale model for recipe B'); return; }
    for (const image of images) fields.push(['images', [image.file, image.name.split('/').pop()]]);
    for (const [index, image] of images.entries()) {
      const png = await maskPng(image);
      if (png) fields.push([`mask${index}`, [png, `mask${index}.png`]]);
    }
    $('run').disabled = true;
    try {
      const job = await api('/v1/jobs', { method: 'POST', body: form(fields) });
      showProblems(null);
      // A job no running worker can take (say it needs an opt-in model none has) says so rather than waiting silently.
      say(`Job ${job.id} queued with ${job.images.length} images` + (job.waiting ? `: ${job.waiting}` : ''));
      watch(job);
    } catch (err) {
      showProblems(err);
      say('Not submitted: ' + err.message);
    } finally {
      updateRun();
    }
  });

  function watch(job) {
    const entry = { job, started: {}, events: null, row: null };
    state.jobs.unshift(entry);
    renderJob(entry);
    const events = new EventSource(job.events);
    entry.events = events;
    const update = (e) => {
      const data = JSON.parse(e.data);
      const image = data.image != null ? entry.job.images[data.image] : null;
      if (image) {
        if (e.type === 'started') entry.started[data.image] = Date.parse(data.time);
        if (e.type === 'stage-started') { image.stage = data.stage; image.status = 'running'; }
        if (e.type === 'progress') { image.fraction = data.fraction; image.stage = data.stage || image.stage; image.status = 'running'; }
        if (e.type === 'image-failed') { image.status = 'failed'; image.error = data.message; }
        if (e.type === 'image-cancelled') image.status = 'cancelled';
      }
      if (e.type === 'image-done' || e.type === 'job-done' || e.type === 'image-failed') refresh(entry);
      if (e.type === 'job-done') events.close();
      renderJob(entry);
    };
    for (const type of ['queued', 'started', 'stage-started', 'progress', 'image-done', 'image-failed', 'image-cancelled', 'job-done']) events.addEventListener(type, update);
  }

  async function refresh(entry) {
    try {
      entry.job = await api(`/v1/jobs/${entry.job.id}`);
      renderJob(entry);
      if (state.resultJob && state.resultJob.job.id === entry.job.id) showResult(entry, Number($('result-image').value || 0));
    } catch (e) {
      say(e.message);
    }
  }

  function eta(entry, index, image) {
    const started = entry.started[index];
    if (image.status !== 'running' || !started || !(image.fraction > 0.02)) return '';
    const elapsed = (Date.now() - started) / 1000;
    return `about ${Math.max(1, Math.round(elapsed * (1 - image.fraction) / image.fraction))} s left`;
  }

  function renderJob(entry) {
    const job = entry.job;
    const done = job.images.filter((i) => i.status === 'done').length;
    const box = el('article', { className: 'job' });
    box.dataset.job = job.id;
    const finished = ['done', 'failed', 'cancelled'].includes(job.status);
    const head = el('header');
    head.append(el('strong', { textContent: `Job ${job.id.slice(0, 8)}` }), el('span', { className: 'job-status ' + job.status, textContent: `${job.status}, ${done}/${job.images.length} done` }));
    if (!finished) {
      const cancel = el('button', { type: 'button', className: 'cancel', textContent: 'Cancel job' });
      cancel.addEventListener('click', async () => {
        cancel.disabled = true;
        try { entry.job = await api(`/v1/jobs/${job.id}/cancel`, { method: 'POST' }); renderJob(entry); } catch (e) { say(e.message); }
      });
      head.append(cancel);
    } else if (done) {
      head.append(el('a', { className: 'button', href: job.archive, download: `${job.id}.zip`, textContent: 'Zip' }));
    }
    box.append(head);
    const list = el('ol', { className: 'job-images' });
    job.images.forEach((image, index) => {
      const item = el('li', { className: 'job-image ' + image.status });
      item.append(el('span', { className: 'label', textContent: image.arm ? `${image.label} · recipe ${image.arm.toUpperCase()}` : image.label }),
        el('span', { className: 'stage', textContent: image.status === 'running' ? (image.stage || 'starting') : image.status }));
      const bar = el('progress', { max: 1, value: image.status === 'done' ? 1 : (image.fraction || 0) });
      bar.setAttribute('aria-label', `${image.label} progress`);
      item.append(bar, el('span', { className: 'eta', textContent: eta(entry, index, image) }));
      if (image.error) item.append(el('p', { className: 'reason', textContent: image.error }));
      if (image.status === 'queued' || image.status === 'running') {
        const cancel = el('button', { type: 'button', className: 'cancel-image', textContent: 'Cancel' });
        cancel.setAttribute('aria-label', `Cancel ${image.label}`);
        cancel.addEventListener('click', async () => {
          cancel.disabled = true;
          try { entry.job = await api(`/v1/jobs/${job.id}/images/${index}/cancel`, { method: 'POST' }); renderJob(entry); } catch (e) { say(e.message); }
        });
        item.append(cancel);
      }
      if (image.status === 'done') {
        const view = el('button', { type: 'button', textContent: 'View result' });
        view.addEventListener('click', () => showResult(entry, index));
        item.append(view);
      }
      list.append(item);
    });
    box.append(list);
    const queue = $('queue');
    const old = queue.querySelector(`article[data-job="${job.id}"]`);
    if (old) old.replaceWith(box);
    else { queue.querySelector('p.muted')?.remove(); queue.prepend(box); }
  }

  // ---- Result: the compare report of input against master, files, lineage ----
  async function showResult(entry, index) {
    state.resultJob = entry;
    setView('result');
    const job = entry.job;
    $('result-empty').hidden = true;
    $('result').hidden = false;
    const picker = $('result-image');
    picker.replaceChildren(...job.images.map((image, i) => el('option', { value: String(i), textContent: `${image.label} (${image.status})`, disabled: image.status !== 'done' })));
    picker.value = String(index);
    $('result-zip').href = job.archive;
    $('result-zip').setAttribute('download', `${job.id}.zip`);
    const image = job.images[index];
    const compare = `/v1/jobs/${job.id}/images/${index}/compare`;
    if ($('compare').dataset.src !== compare) { $('compare').dataset.src = compare; $('compare').src = compare + '#slider'; }
    $('result-files').replaceChildren(...image.outputs.map((o) => el('li', {}, el('a', { href: o.url, download: o.name, textContent: o.name }), el('span', { className: 'muted', textContent: ` ${o.role}, ${(o.bytes / 1024).toFixed(0)} KB` }))));
    const sidecar = image.outputs.find((o) => o.role === 'sidecar');
    $('lineage').replaceChildren();
    if (!sidecar) return;
    const lineage = await api(sidecar.url);
    const table = el('table', { className: 'stages' });
    table.append(el('thead', {}, el('tr', {}, el('th', { textContent: 'stage' }), el('th', { textContent: 'status' }), el('th', { textContent: 'ms' }), el('th', { textContent: 'warnings' }))));
    const body = el('tbody');
    for (const s of lineage.stages || []) body.append(el('tr', {}, el('td', { textContent: s.stage }), el('td', { textContent: s.status }), el('td', { textContent: Math.round(s.ms) }), el('td', { textContent: (s.warnings || []).join('; ') })));
    table.append(body);
    $('lineage').append(el('p', { textContent: `Recipe ${lineage.recipe.source}, sha256 ${lineage.recipe.sha256.slice(0, 16)}…; total ${Math.round(lineage.total_ms)} ms` }), table,
      el('details', {}, el('summary', { textContent: 'Normalised recipe' }), el('pre', { textContent: JSON.stringify(lineage.recipe.normalised, null, 2) })));
  }
  $('result-image').addEventListener('change', () => state.resultJob && showResult(state.resultJob, Number($('result-image').value)));

  // ---- Blind A/B: source against master, sides drawn at random, stored per job on the server ----
  const rating = { job: null, queue: [], current: null };

  function rateJobs() {
    const done = state.jobs.filter((e) => e.job.images.some((i) => i.status === 'done'));
    const picker = $('rate-job');
    const value = picker.value;
    picker.replaceChildren(...done.map((e) => el('option', { value: e.job.id, textContent: `${e.job.id.slice(0, 8)} (${e.job.recipe_b ? 'recipe A against B' : 'source against master'}, ${e.job.images.length} images)` })));
    if (value) picker.value = value;
    if (picker.value) rateSummary(picker.value);
  }

  function nextPair() {
    rating.current = rating.queue.shift() || null;
    $('rate-pair').hidden = $('rate-buttons').hidden = !rating.current;
    if (!rating.current) { say('Rating done: thank you'); return; }
    const { image, a, b } = rating.current;
    $('rate-a').src = rating.urls[image][a];
    $('rate-b').src = rating.urls[image][b];
    $('rate-left').textContent = `${rating.queue.length} more after this one`;
  }

  // The two versions of each rateable image: source and master, or in an A/B job recipe A's and B's masters.
  function versionsOf(job) {
    const urls = {};
    const master = (image) => image.status === 'done' && image.outputs.find((o) => o.role === 'master');
    job.images.forEach((image, index) => {
      const m = master(image);
      if (!m) return;
      if (job.recipe_b) (urls[image.source] ||= {})[image.arm] = m.url;
      else urls[index] = { source: `/v1/jobs/${job.id}/images/${index}/source`, master: m.url };
    });
    const names = job.recipe_b ? ['a', 'b'] : ['source', 'master'];
    for (const key of Object.keys(urls)) if (!names.every((n) => urls[key][n])) delete urls[key];
    return { urls, names };
  }

  $('rate-start').addEventListener('click', () => {
    const entry = state.jobs.find((e) => e.job.id === $('rate-job').value);
    if (!entry) return;
    rating.job = entry.job.id;
    const { urls, names } = versionsOf(entry.job);
    rating.urls = urls;
    const pairs = Object.keys(urls).map((key) => {
      const swap = Math.random() < 0.5;
      return { image: Number(key), a: names[swap ? 1 : 0], b: names[swap ? 0 : 1] };
    });
    // Random order too (Fisher-Yates), so no image's place gives its version away.
    for (let i = pairs.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [pairs[i], pairs[j]] = [pairs[j], pairs[i]]; }
    rating.queue = pairs;
    nextPair();
  });

  async function rate(choice) {
    const pair = rating.current;
    if (!pair) return;
    rating.current = null;
    try {
      await api(`/v1/jobs/${rating.job}/ratings`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ image: pair.image, a: pair.a, b: pair.b, choice, rater: $('rater').value || null }),
      });
    } catch (e) {
      say('Rating not stored: ' + e.message);
    }
    await rateSummary(rating.job);
    nextPair();
  }
  for (const b of document.querySelectorAll('#rate-buttons button')) b.addEventListener('click', () => rate(b.dataset.choice));
  document.addEventListener('keydown', (e) => {
    if ($('view-rate').hidden || !rating.current || e.ctrlKey || e.metaKey || e.altKey || e.target instanceof HTMLInputElement) return;
    const choice = { a: 'a', arrowleft: 'a', l: 'b', arrowright: 'b', s: 'same', arrowdown: 'same' }[e.key.toLowerCase()];
    if (!choice) return;
    e.preventDefault();
    rate(choice);
  });

  async function rateSummary(id) {
    $('rate-csv').href = `/v1/jobs/${id}/ratings?format=csv`;
    const summary = await api(`/v1/jobs/${id}/ratings`);
    const pct = (v) => v == null ? '–' : (100 * v).toFixed(0) + ' %';
    $('rate-summary').tBodies[0].replaceChildren(...summary.versions.map((v) => el('tr', {},
      el('td', { textContent: `${v.version}: ${v.label}` }), el('td', { textContent: v.wins }), el('td', { textContent: v.losses }), el('td', { textContent: v.ties }),
      el('td', { textContent: pct(v.win_rate) }), el('td', { textContent: `${pct(v.ci95[0])} – ${pct(v.ci95[1])}` }))));
  }
  $('rate-job').addEventListener('change', () => rateSummary($('rate-job').value));

  function setView(view) {
    for (const b of document.querySelectorAll('.tab')) b.setAttribute('aria-pressed', String(b.dataset.view === view));
    $('view-prepare').hidden = view !== 'prepare';
    $('view-result').hidden = view !== 'result';
    $('view-rate').hidden = view !== 'rate';
    if (view === 'rate') rateJobs();
    if (view === 'prepare') drawFrames();
  }
  for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => setView(b.dataset.view));

  // ---- Start: what the API offers ----
  async function start() {
    const [presets, looks, models, destinations, masks] = await Promise.all([api('/v1/presets'), api('/v1/looks'), api('/v1/models'), api('/v1/destinations'), api('/v1/masks')]);
    // The automatic kinds are the server's (every auto: kind of its repair stage), not a list kept here.
    for (const kind of masks.kinds) $('auto-kinds').append(el('label', {}, el('input', { type: 'checkbox', value: kind, checked: kind === 'text' }), ' ' + kind));
    for (const p of presets.presets) $('preset').append(el('option', { value: p.name, textContent: p.name, title: p.description, selected: p.default }));
    for (const l of looks.looks) $('look').append(el('option', { value: l.name, textContent: l.name, title: l.description }));
    const families = [...new Set((models.models || []).map((m) => m.name))];
    for (const f of families) $('model').append(el('option', { value: f, textContent: f }));
    for (const p of presets.presets) $('b-preset').append(el('option', { value: p.name, textContent: p.name, title: p.description }));
    for (const l of looks.looks) $('b-look').append(el('option', { value: l.name, textContent: l.name, title: l.description }));
    for (const f of families) $('b-model').append(el('option', { value: f, textContent: f }));
    for (const d of destinations.destinations) {
      $('destinations').append(el('label', {}, el('input', { type: 'checkbox', value: d.id, checked: d.id === 'web-2048' }), ' ' + d.id));
    }
    for (const a of ASPECTS) $('aspects').append(el('label', {}, el('input', { type: 'checkbox', value: a }), ' ' + a));
    for (const input of document.querySelectorAll('#settings input, #settings select')) {
      if (input.id === 'look') input.addEventListener('change', showPreview);
      else if (input.closest('#aspects')) input.addEventListener('change', drawFrames);
      else if (input.closest('#comparison')) input.addEventListener('change', syncComparison);
      else if (input.type !== 'file') input.addEventListener('change', syncRecipe);
    }
    for (const input of document.querySelectorAll('input[name=mode]')) input.addEventListener('change', syncComparison);
    syncComparison();
    $('preview').addEventListener('load', drawFrames);
    window.addEventListener('resize', drawFrames);
    syncRecipe();
    say('Ready');
  }
  // A service started with --token: the page signs in once with the token (sent as the bearer header) and the
  // server answers a session cookie, which images, frames, downloads and the event stream then carry.
  $('sign-in').addEventListener('submit', async (e) => {
    e.preventDefault();
    const response = await fetch('/v1/session', { method: 'POST', headers: { authorization: 'Bearer ' + $('token').value } });
    if (!response.ok) { say('That token was refused'); $('token').select(); return; }
    $('token').value = '';
    $('sign-in').hidden = true;
    boot();
  });

  function boot() {
    start().catch((e) => {
      if (e.status === 401) {
        $('sign-in').hidden = false;
        $('token').focus();
        say('This server needs its token');
      } else {
        say('The service did not answer: ' + e.message);
      }
    });
  }
  boot();
})();
