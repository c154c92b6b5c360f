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
const tf = require('@tensorflow/tfjs-core');
const tfl = require('@tensorflow/tfjs-layers');
require('@tensorflow/tfjs-backend-wasm');

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

// The two custom layers of the RRDN (esrgan-thick) models, defined exactly as @upscalerjs/esrgan-thick 1.0.0
// defines them (dist/cjs/packages/shared/src/esrgan/esrgan.js): beta is a constant 0.2, whatever the config says.
const getInput = inputs => (Array.isArray(inputs) ? inputs[0] : inputs);
class MultiplyBeta extends tfl.layers.Layer {
  constructor() {
    super({});
    this.beta = 0.2;
  }
  call(inputs) {
    return tf.mul(getInput(inputs), this.beta);
  }
}
MultiplyBeta.className = 'MultiplyBeta';
tf.serialization.registerClass(MultiplyBeta);

const registeredShuffles = new Set();
function registerPixelShuffle(scale) {
  if (registeredShuffles.has(scale)) return;
  registeredShuffles.add(scale);
  class PixelShuffle extends tfl.layers.Layer {
    constructor() {
      super({});
      this.scale = scale;
    }
    computeOutputShape(inputShape) {
      return [inputShape[0], inputShape[1], inputShape[2], 3];
    }
    call(inputs) {
      return tf.depthToSpace(getInput(inputs), this.scale, 'NHWC');
    }
  }
  PixelShuffle.className = `PixelShuffle${scale}x`;
  tf.serialization.registerClass(PixelShuffle);
}

// A tfjs IOHandler over local files: the layers model's topology plus its shards concatenated in manifest order.
function fileHandler(modelJsonPath) {
  return {
    load: async () => {
      const json = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8'));
      const dir = path.dirname(modelJsonPath);
      const specs = [];
      const buffers = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
      }
      const all = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
      };
    },
  };
}

function readRgb(file) {
  const png = PNG.sync.read(fs.readFileSync(file));
  if (png.depth !== 8) throw new Error(`${file}: expected an 8-bit PNG, got ${png.depth}-bit`);
  const { width, height, data } = png; // pngjs always hands back RGBA
  const rgb = new Int32Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++) {
    rgb[j++] = data[4 * i];
    rgb[j++] = data[4 * i + 1];
    rgb[j++] = data[4 * i + 2];
  }
  return { width, height, rgb };
}

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
  await tf.setBackend('wasm');
  await tf.ready();
  console.log(`tfjs ${tf.version_core}, backend ${tf.getBackend()}`);
  fs.mkdirSync(outDir, { recursive: true });
  for (const m of MODELS) {
    for (const scale of m.scales) {
      const modelJson = path.join(modulesDir, '@upscalerjs', m.name, `models/x${scale}/model.json`);
      registerPixelShuffle(scale);
      const model = await tfl.loadLayersModel(fileHandler(modelJson));
      for (const input of INPUTS) {
        const name = `${m.name}_x${scale}_${path.basename(input, '.png')}.png`;
        if (SKIP.has(name)) continue;
        const { width, height, rgb } = readRgb(path.join(inputDir, input));
        const started = Date.now();
        const out = tf.tidy(() => {
          let x = tf.tensor4d(rgb, [1, height, width, 3], 'int32');
          // UpscalerJS scaleIncomingPixels: tf.mul(tensor, 1 / 255) for 0–1 models; int32 pixels otherwise.
          x = m.range === 1 ? tf.mul(x, 1 / 255) : tf.cast(x, 'float32');
          const y = model.predict(x);
          // UpscalerJS scaleOutput: clipByValue(0, range), then ×255 for 0–1 models.
          return tf.mul(tf.clipByValue(y, 0, m.range), m.range === 1 ? 255 : 1);
        });
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
