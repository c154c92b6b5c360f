// Makes a golden input: a square crop of a JPEG or PNG, resampled bilinearly to SIZE² and written as 8-bit RGB PNG.
//   node fixture.js IN OUT X Y SIDE SIZE
// The resampling only has to be fixed, not faithful: TF.js and Burnish both read the PNG this writes.
'use strict';
const fs = require('fs');
const { PNG } = require('pngjs');
const jpeg = require('jpeg-js');
const [input, output, ...nums] = process.argv.slice(2);
const [x0, y0, side, size] = nums.map(Number);
const bytes = fs.readFileSync(input);
const src = input.toLowerCase().endsWith('.png') ? PNG.sync.read(bytes) : jpeg.decode(bytes, { useTArray: true });
if (x0 < 0 || y0 < 0 || x0 + side > src.width || y0 + side > src.height) throw new Error(`crop outside ${src.width}x${src.height}`);
const out = new PNG({ width: size, height: size, colorType: 2, inputColorType: 2, inputHasAlpha: false });
out.data = Buffer.alloc(size * size * 3);
const at = (x, y, k) => src.data[4 * (Math.min(src.height - 1, y) * src.width + Math.min(src.width - 1, x)) + k];
for (let r = 0; r < size; r++)
  for (let c = 0; c < size; c++) {
    const sx = x0 + (c + 0.5) * side / size - 0.5, sy = y0 + (r + 0.5) * side / size - 0.5;
    const fx = Math.max(0, Math.floor(sx)), fy = Math.max(0, Math.floor(sy));
    const ax = Math.min(1, Math.max(0, sx - fx)), ay = Math.min(1, Math.max(0, sy - fy));
    for (let k = 0; k < 3; k++) {
      const v = (1 - ay) * ((1 - ax) * at(fx, fy, k) + ax * at(fx + 1, fy, k)) + ay * ((1 - ax) * at(fx, fy + 1, k) + ax * at(fx + 1, fy + 1, k));
      out.data[3 * (r * size + c) + k] = Math.round(v);
    }
  }
fs.writeFileSync(output, PNG.sync.write(out, { colorType: 2, inputColorType: 2, inputHasAlpha: false }));
