"""Text-mask pixels on labelled faces, with and without the face veto (see masks-text-veto.sh)."""
import argparse, json, os, subprocess, tempfile, time

p = argparse.ArgumentParser()
p.add_argument('--burnish', required=True)
p.add_argument('--labels', required=True)
p.add_argument('--results', required=True)
p.add_argument('--testdata', required=True)
a = p.parse_args()
# Images that really carry text or a visible mark (so a mask there is not a false alarm): checked by eye.
WITH_TEXT = {'photos/skimage/astronaut.png', 'photos/wikimedia/044_us_navy_sailor_examines_patient.png',
             'ai-generations/comfyui/qwen_image__qwen_image_basic_example.png', 'watermark/gemini/Gemini_Generated_Image_6ndho06ndho06ndh.png',
             'watermark/gemini/red_hood_watermarked.webp'}


def masked_in(mask, box):
    x, y, w, h = box
    with tempfile.NamedTemporaryFile(suffix='.v') as t:
        subprocess.run(['vips', 'extract_area', mask, t.name, str(x), str(y), str(w), str(h)], check=True)
        subprocess.run(['vips', 'relational_const', t.name, t.name + '.b.v', 'moreeq', '128'], check=True)
        avg = float(subprocess.check_output(['vips', 'avg', t.name + '.b.v']))
        os.remove(t.name + '.b.v')
    return round(avg / 255 * w * h)


rows = []
for lab in json.load(open(a.labels))['images']:
    path = os.path.join(a.testdata, lab['file'])
    res = {}
    for veto in (True, False):
        with tempfile.TemporaryDirectory() as tmp:
            m = os.path.join(tmp, 'm.png')
            args = [a.burnish, 'masks', path, '--auto', 'text', '-o', m, '--json'] + ([] if veto else ['--text-on-faces'])
            r = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
            onfaces = sum(masked_in(m, f) for f in lab['faces'])
            res[veto] = (r['masked_pixels'], onfaces, r['width'] * r['height'])
    rows.append((lab['file'], lab['file'] in WITH_TEXT, res))

lines = ['# Text mask on faces: with and without the face veto', '',
         f'`bench/masks-text-veto.sh`, run {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}: `burnish masks --auto text` (default text keys) on every '
         'image of `bench/masks/face-labels.json`; "on faces" counts masked pixels inside the hand-labelled face boxes.', '',
         '| image | has text | masked % (no veto) | on faces, px (no veto) | masked % (veto) | on faces, px (veto) |',
         '|---|---|---:|---:|---:|---:|']
tot = {True: [0, 0], False: [0, 0]}
for f, has, res in rows:
    (m1, f1, n), (m0, f0, _) = res[True], res[False]
    lines.append(f'| {f} | {"yes" if has else "no"} | {100 * m0 / n:.3f} | {f0} | {100 * m1 / n:.3f} | {f1} |')
    for v in (True, False):
        tot[v][0] += res[v][1]
        if not has and res[v][0] > 0:
            tot[v][1] += 1
lines += ['', f'Without the veto: {tot[False][0]} masked pixels on faces in all, and {tot[False][1]} of {sum(1 for r in rows if not r[1])} images without text get a mask. '
          f'With the veto: {tot[True][0]} on faces, {tot[True][1]} images without text masked.']
open(a.results, 'w').write('\n'.join(lines) + '\n')
print('\n'.join(lines))
