// The UpscalerJS ESRGAN models in TensorFlow.js (wasm backend), loaded from the npm packages' files exactly as
// UpscalerJS 1.0 runs them: shared by generate.js (goldens) and throughput.js (the speed peer in bench/).
'use strict';
const fs = require('fs');
const path = require('path');
const { PNG } = require('pngjs');
const tf = require('@tensorflow/tfjs-core');
const tfl = require('@tensorflow/tfjs-layers');
require('@tensorflow/tfjs-backend-wasm');

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

async function ready() {
  await tf.setBackend('wasm');
  await tf.ready();
  return `tfjs ${tf.version_core}, backend ${tf.getBackend()}`;
}

async function loadModel(modulesDir, name, scale) {
  registerPixelShuffle(scale);
  return tfl.loadLayersModel(fileHandler(path.join(modulesDir, '@upscalerjs', name, `models/x${scale}/model.json`)));
}

// UpscalerJS's whole-image path: scaleIncomingPixels (×1/255 for 0–1 models), predict, clipByValue(0, range),
// ×255 for 0–1 models. Returns the output tensor (0–255), which the caller disposes.
function predict(model, rgb, width, height, range) {
  return tf.tidy(() => {
    let x = tf.tensor4d(rgb, [1, height, width, 3], 'int32');
    x = range === 1 ? tf.mul(x, 1 / 255) : tf.cast(x, 'float32');
    const y = model.predict(x);
    return tf.mul(tf.clipByValue(y, 0, range), range === 1 ? 255 : 1);
  });
}

module.exports = { ready, loadModel, predict, readRgb };
