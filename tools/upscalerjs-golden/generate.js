// Runs the UpscalerJS ESRGAN models in TensorFlow.js (wasm backend) and writes 16-bit PNG goldens that Burnish's
// converted ONNX models must reproduce (tests/Burnish.Core.Tests/Models/EquivalenceTests.cs).
//
//   node generate.js MODELS_NODE_MODULES INPUT_DIR OUT_DIR
//
// Each input is processed the way UpscalerJS 1.0 does it for a whole image (no patches): RGB only (alpha dropped),
// multiplied by 1/255 for models whose range is 0–1, model.predict, clipByValue(0, range), ×255 for 0–1 models.
// The result is written unquantised to 8 bits: 16-bit PNG, sample = round(value / 255 × 65535).
'use strict';
const fs = require('fs');
const path = require('path');
const { PNG } = require('pngjs');
const { ready, loadModel, predict, readRgb } = require('./upscalerjs');

// The goldens this script makes: model package, scales, value range. @upscalerjs/default-model 1.0.0 ships
// byte-identical weights to esrgan-slim x2 (its shard and model.json match), so its goldens would be copies; the
// tests compare it against esrgan-slim's. esrgan-thick x4 on the 128 px fixture is left out for size (a 1.3 MB
// 16-bit PNG): that case is held to the package's own 8-bit sample, and thick x4 to a 16-bit golden on the 64 px input.
const MODELS = [
  { name: 'esrgan-slim', scales: [2, 4], range: 255 },
  { name: 'esrgan-medium', scales: [2, 4], range: 255 },
  { name: 'esrgan-thick', scales: [2, 4], range: 1 },
];
const INPUTS = ['fixture_128.png', 'comfyui_fox_64.png'];
const SKIP = new Set(['esrgan-thick_x4_fixture_128.png']);

function writeRgb16(file, width, height, values255) {
  const png = new PNG({ width, height, bitDepth: 16, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  const samples = new Uint16Array(width * height * 3);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round((values255[i] / 255) * 65535);
  png.data = samples;
  fs.writeFileSync(file, PNG.sync.write(png, { bitDepth: 16, colorType: 2, inputColorType: 2, inputHasAlpha: false }));
}

async function main() {
  const [modulesDir, inputDir, outDir] = process.argv.slice(2);
  if (!outDir) throw new Error('usage: node generate.js MODELS_NODE_MODULES INPUT_DIR OUT_DIR');
  console.log(await ready());
  fs.mkdirSync(outDir, { recursive: true });
  for (const m of MODELS) {
    for (const scale of m.scales) {
      const model = await loadModel(modulesDir, m.name, scale);
      for (const input of INPUTS) {
        const name = `${m.name}_x${scale}_${path.basename(input, '.png')}.png`;
        if (SKIP.has(name)) continue;
        const { width, height, rgb } = readRgb(path.join(inputDir, input));
        const started = Date.now();
        const out = predict(model, rgb, width, height, m.range);
        const [, h, w] = out.shape;
        const values = out.dataSync();
        out.dispose();
        writeRgb16(path.join(outDir, name), w, h, values);
        console.log(`${name}: ${w}x${h} in ${Date.now() - started} ms`);
      }
      model.dispose();
    }
  }
}

main().catch(e => {
  console.error(e.stack || String(e));
  process.exit(1);
});
