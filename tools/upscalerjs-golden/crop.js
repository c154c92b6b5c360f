// Cuts an 8-bit RGB crop out of a PNG: node crop.js IN OUT X Y WIDTH HEIGHT (used by regenerate.sh for a golden input).
'use strict';
const fs = require('fs');
const { PNG } = require('pngjs');
const [input, output, x, y, w, h] = process.argv.slice(2);
const [x0, y0, width, height] = [x, y, w, h].map(Number);
const src = PNG.sync.read(fs.readFileSync(input));
if (x0 + width > src.width || y0 + height > src.height) throw new Error(`crop outside ${src.width}x${src.height}`);
const out = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
out.data = Buffer.alloc(width * height * 3);
for (let r = 0; r < height; r++)
  for (let c = 0; c < width; c++)
    for (let k = 0; k < 3; k++) out.data[3 * (r * width + c) + k] = src.data[4 * ((y0 + r) * src.width + x0 + c) + k];
fs.writeFileSync(output, PNG.sync.write(out, { colorType: 2, inputColorType: 2, inputHasAlpha: false }));
