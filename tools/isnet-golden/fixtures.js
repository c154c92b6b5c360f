// Makes the small subject-mask fixtures from shared/testdata: each image box-averaged by a whole factor (mean of
// factor² pixels, rounded), written as 8-bit RGB PNG, so Node and Burnish decode the same bytes.
// usage: node fixtures.js SRC.png FACTOR OUT.png
'use strict';
const fs = require('fs');
const { PNG } = require('pngjs');
const [src, factorText, out] = process.argv.slice(2);
const f = Number(factorText);
const p = PNG.sync.read(fs.readFileSync(src));
const w = Math.floor(p.width / f), h = Math.floor(p.height / f);
const o = new PNG({ width: w, height: h, colorType: 2, inputHasAlpha: true });
for (let y = 0; y < h; y++)
  for (let x = 0; x < w; x++)
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += p.data[((y * f + dy) * p.width + x * f + dx) * 4 + c];
      o.data[(y * w + x) * 4 + c] = c === 3 ? 255 : Math.round(s / (f * f));
    }
fs.writeFileSync(out, PNG.sync.write(o, { colorType: 2 }));
