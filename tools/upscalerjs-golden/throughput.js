// The speed peer for bench/upscale-throughput.sh: UpscalerJS's models in TensorFlow.js (wasm backend) on one input,
// one warm-up run, then RUNS timed runs of the whole-image path (predict, clip, read back). Prints one JSON line per
// model: {"model", "scale", "width", "height", "median_ms", "output_mpx_per_s", "threads"}.
//
//   node throughput.js MODELS_NODE_MODULES INPUT.png RUNS name:scale:range [...]
'use strict';
const { ready, loadModel, predict, readRgb } = require('./upscalerjs');

async function main() {
  const [modulesDir, input, runsText, ...specs] = process.argv.slice(2);
  if (specs.length === 0) throw new Error('usage: node throughput.js MODELS_NODE_MODULES INPUT.png RUNS name:scale:range ...');
  console.error(await ready());
  const { width, height, rgb } = readRgb(input);
  const runs = Number(runsText);
  for (const spec of specs) {
    const [name, scaleText, rangeText] = spec.split(':');
    const scale = Number(scaleText);
    const range = Number(rangeText);
    const model = await loadModel(modulesDir, name, scale);
    const once = () => {
      const out = predict(model, rgb, width, height, range);
      out.dataSync();
      out.dispose();
    };
    once();
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      once();
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const mpx = (width * scale * height * scale) / 1e6 / (median / 1000);
    console.log(JSON.stringify({ model: name, scale, width, height, median_ms: median, output_mpx_per_s: mpx }));
    model.dispose();
  }
}

main().catch(e => {
  console.error(e.stack || String(e));
  process.exit(1);
});
