// Subject-mask goldens for Burnish: ISNet from @imgly/background-removal-data run on onnxruntime-node, with the pre-
// and post-processing taken at run time from @imgly/background-removal's own dist/index.mjs (the functions
// tensorResizeBilinear, tensorHWCtoBCHW and convertFloat32ToUint8 that its runInference calls), so the reference
// is the package's code, not a re-implementation of it.
//
// usage: node generate.js DATA_PACKAGE_DIR WEB_INDEX_MJS VARIANT OUT_DIR IMAGE.png...
//   DATA_PACKAGE_DIR  the unpacked @imgly/background-removal-data package (holds dist/resources.json and the chunks)
//   WEB_INDEX_MJS     @imgly/background-removal's dist/index.mjs
//   VARIANT           small | medium (the package's own model names)
// For each IMAGE it writes OUT_DIR/NAME.VARIANT.mask.png (8-bit grey, the package's alpha mask at the image's size)
// and prints one JSON line with the raw output's range and the time of the inference.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const ndarray = require('ndarray');
const { PNG } = require('pngjs');
const ort = require('onnxruntime-node');

const [dataDir, webIndex, variant, outDir, ...images] = process.argv.slice(2);
if (!dataDir || !webIndex || !variant || !outDir || images.length === 0) {
  console.error('usage: node generate.js DATA_PACKAGE_DIR WEB_INDEX_MJS small|medium OUT_DIR IMAGE.png...');
  process.exit(2);
}

// The package's own functions, cut out of its bundle by name and evaluated with ndarray under the bundle's alias.
function packageFunctions(file) {
  const src = fs.readFileSync(file, 'utf8');
  const take = (name) => {
    const start = src.indexOf(`function ${name}(`);
    if (start < 0) throw new Error(`${file}: no function ${name}`);
    const next = src.slice(start + 1).search(/\n(async )?function |\n\/\/ src\//);
    return src.slice(start, next < 0 ? undefined : start + 1 + next);
  };
  const body = ['tensorResizeBilinear', 'tensorHWCtoBCHW', 'convertFloat32ToUint8'].map(take).join('\n');
  return new Function('ndarray2', `${body}\nreturn { tensorResizeBilinear, tensorHWCtoBCHW, convertFloat32ToUint8 };`)(ndarray);
}

// The model as the package's loader assembles it: the chunks of resources.json in order, each checked by its SHA-256 name.
function joinModel(dir, name) {
  const resources = JSON.parse(fs.readFileSync(path.join(dir, 'dist', 'resources.json'), 'utf8'));
  const entry = resources[`/models/${name}`];
  if (!entry) throw new Error(`resources.json has no /models/${name}`);
  const parts = entry.chunks.map((c) => {
    const bytes = fs.readFileSync(path.join(dir, 'dist', c.hash));
    const sha = crypto.createHash('sha256').update(bytes).digest('hex');
    if (sha !== c.hash || bytes.length !== c.offsets[1] - c.offsets[0]) throw new Error(`chunk ${c.hash} does not verify`);
    return bytes;
  });
  const model = Buffer.concat(parts);
  if (model.length !== entry.size) throw new Error(`joined ${model.length} bytes, resources.json says ${entry.size}`);
  return model;
}

(async () => {
  const fn = packageFunctions(webIndex);
  const model = joinModel(dataDir, variant);
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  fs.mkdirSync(outDir, { recursive: true });
  for (const file of images) {
    const png = PNG.sync.read(fs.readFileSync(file)); // RGBA 8-bit, as the browser's ImageData
    const image = ndarray(new Uint8Array(png.data), [png.height, png.width, 4]);
    // runInference, step by step (@imgly/background-removal 1.4.5, src/inference.ts).
    const resolution = 1024;
    const resized = fn.tensorResizeBilinear(image, resolution, resolution);
    const input = fn.tensorHWCtoBCHW(resized);
    const tensor = new ort.Tensor('float32', input.data, input.shape);
    const t0 = process.hrtime.bigint();
    const out = await session.run({ input: tensor }, ['output']);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const data = out.output.data;
    let lo = Infinity, hi = -Infinity;
    for (const v of data) { if (v < lo) lo = v; if (v > hi) hi = v; }
    let mask = fn.convertFloat32ToUint8(ndarray(data, [resolution, resolution, 1]));
    mask = fn.tensorResizeBilinear(mask, png.width, png.height);
    const grey = new PNG({ width: png.width, height: png.height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
    grey.data = Buffer.from(mask.data);
    const name = path.basename(file, path.extname(file));
    fs.writeFileSync(path.join(outDir, `${name}.${variant}.mask.png`), PNG.sync.write(grey, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
    console.log(JSON.stringify({ image: name, variant, width: png.width, height: png.height, output_min: lo, output_max: hi, ms: Math.round(ms) }));
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
