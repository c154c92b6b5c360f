"""Runs `burnish masks --auto face --json` on every labelled image and scores the boxes (see masks-recall.sh)."""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

p = argparse.ArgumentParser()
p.add_argument('--burnish', required=True)
p.add_argument('--labels', required=True)
p.add_argument('--results', required=True)
p.add_argument('--testdata', default=None)
p.add_argument('--thresholds', default='0.5,0.6,0.75')
p.add_argument('--iou', type=float, default=0.3)
a = p.parse_args()
root = os.path.dirname(os.path.dirname(os.path.abspath(a.labels)))
data = a.testdata or os.path.normpath(os.path.join(root, '..', '..', 'shared', 'testdata'))
if not os.path.isdir(data):
    data = os.path.normpath(os.path.join(root, '..', 'shared', 'testdata'))
labels = json.load(open(a.labels))['images']
thresholds = [float(t) for t in a.thresholds.split(',')]
low = min(thresholds)


def iou(b, c):
    iw = min(b[0] + b[2], c[0] + c[2]) - max(b[0], c[0])
    ih = min(b[1] + b[3], c[1] + c[3]) - max(b[1], c[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    i = iw * ih
    return i / (b[2] * b[3] + c[2] * c[3] - i)


def detect(path, flip, min_score=None):
    with tempfile.TemporaryDirectory() as tmp:
        args = [a.burnish, 'masks', path, '--auto', 'face', '-o', os.path.join(tmp, 'm.png'), '--json', '--min-score', str(min_score or low)]
        if flip:
            args.append('--flip')
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def score(results, threshold):
    rows = {}
    for lab, res in results:
        s = rows.setdefault(lab['style'], {'images': 0, 'faces': 0, 'hits': 0, 'fa': 0, 'missed': [], 'alarms': []})
        s['images'] += 1
        s['faces'] += len(lab['faces'])
        dets = [r for r in res['regions'] if r['score'] >= threshold]
        used = set()
        for f in lab['faces']:
            best = max(range(len(dets)), key=lambda i: iou(f, dets[i]['box']), default=None)
            # Greedy one-to-one: each detection may match one face.
            cands = sorted((i for i in range(len(dets)) if i not in used and iou(f, dets[i]['box']) >= a.iou), key=lambda i: -iou(f, dets[i]['box']))
            if cands:
                used.add(cands[0])
                s['hits'] += 1
            else:
                s['missed'].append(lab['file'])
        for i, d in enumerate(dets):
            if i in used or any(iou(g, d['box']) >= a.iou for g in lab.get('ignore', []) + lab['faces']):
                continue
            s['fa'] += 1
            s['alarms'].append((lab['file'], d['box'], d['score']))
    return rows


report = {'iou': a.iou, 'runs': []}
outlines = {}
lines = ['# Face mask: recall and false alarms', '',
         f'`bench/masks-recall.sh`, run {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}; labels `bench/masks/face-labels.json`; '
         f'a face is found when a detection overlaps its box with IoU ≥ {a.iou} (one detection per face); a detection that matches no face '
         'and no ignore box is a false alarm.', '',
         '| flip | min score | style | images | faces | found | recall | false alarms | per 10 images |',
         '|---|---:|---|---:|---:|---:|---:|---:|---:|']
def row(flip, label, style, r):
    rec = 100.0 * r['hits'] / r['faces'] if r['faces'] else float('nan')
    lines.append(f"| {'yes' if flip else 'no'} | {label} | {style} | {r['images']} | {r['faces']} | {r['hits']} | {rec:.1f} % | {r['fa']} | {10.0 * r['fa'] / r['images']:.2f} |")
    report['runs'].append({'flip': flip, 'min_score': label, 'style': style, **r})


for flip in (False, True):
    results, times = [], []
    for lab in labels:
        path = os.path.join(data, lab['file'])
        res = detect(path, flip)
        results.append((lab, res))
        times.append(res['ms'])
    for t in thresholds:
        rows = score(results, t)
        for style in ('photoreal', 'illustrated'):
            row(flip, t, style, rows[style])
    # As shipped: the default min score (0.75) with faces down to confirm_score (0.6) kept when the face mesh confirms
    # them (mesh confidence >= confirm_mesh, 0.85); every region the command returns counts.
    shipped = [(lab, detect(os.path.join(data, lab['file']), flip, 0.75)) for lab in labels]
    rows = score(shipped, 0)
    for style in ('photoreal', 'illustrated'):
        row(flip, '0.75 + mesh confirms ≥ 0.6', style, rows[style])
    if not flip:
        # Which outline each found face's mask took: the face mesh's, or BlazeFace's ellipse (mesh confidence < 0.5).
        for lab, res in shipped:
            o = outlines.setdefault(lab['style'], {'found': 0, 'mesh': 0, 'ellipse_faces': []})
            dets = res['regions']
            for f in lab['faces']:
                best = max(dets, key=lambda d: iou(f, d['box']), default=None)
                if best is None or iou(f, best['box']) < a.iou:
                    continue
                o['found'] += 1
                if best.get('outline') == 'mesh':
                    o['mesh'] += 1
                else:
                    o['ellipse_faces'].append((lab['file'], f, best.get('mesh_score')))
lines += ['', 'Outlines of the faces found as shipped (no flip): the face mesh where its face confidence is ≥ 0.5, else the ellipse.', '',
          '| style | faces found | outlined by the mesh | by the ellipse |', '|---|---:|---:|---:|']
for style in ('photoreal', 'illustrated'):
    o = outlines[style]
    lines.append(f"| {style} | {o['found']} | {o['mesh']} ({100.0 * o['mesh'] / max(1, o['found']):.0f} %) | {o['found'] - o['mesh']} |")
report['outlines'] = outlines
lines += ['', 'Misses and false alarms of each run, and the faces left with ellipses, are in `masks-recall.json`.']
open(a.results + '.md', 'w').write('\n'.join(lines) + '\n')
json.dump(report, open(a.results + '.json', 'w'), indent=1)
print('\n'.join(lines))
