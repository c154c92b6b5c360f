"""Runs `burnish masks --auto hands --json` on every labelled image and scores the boxes (see hands-recall.sh)."""
import argparse, json, os, subprocess, tempfile, time

p = argparse.ArgumentParser()
p.add_argument('--burnish', required=True)
p.add_argument('--labels', required=True)
p.add_argument('--results', required=True)
p.add_argument('--testdata', default=None)
p.add_argument('--scores', default='0.3,0.5')
p.add_argument('--iou', type=float, default=0.3)
a = p.parse_args()
root = os.path.dirname(os.path.dirname(os.path.abspath(a.labels)))
data = a.testdata or os.path.normpath(os.path.join(root, '..', 'shared', 'testdata'))
if not os.path.isdir(data):
    data = os.path.normpath(os.path.join(root, '..', '..', 'shared', 'testdata'))
labels = json.load(open(a.labels))['images']


def iou(b, c):
    iw = min(b[0] + b[2], c[0] + c[2]) - max(b[0], c[0])
    ih = min(b[1] + b[3], c[1] + c[3]) - max(b[1], c[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    i = iw * ih
    return i / (b[2] * b[3] + c[2] * c[3] - i)


def detect(path, score):
    with tempfile.TemporaryDirectory() as tmp:
        args = [a.burnish, 'masks', path, '--auto', 'hands', '-o', os.path.join(tmp, 'm.png'), '--json', '--hand-score', str(score)]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


report = {'iou': a.iou, 'runs': []}
lines = ['# Hand mask: recall and false alarms', '',
         f'`bench/hands-recall.sh`, run {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}; labels `bench/masks/hand-labels.json`; '
         f'a hand is found when a detection overlaps its box with IoU ≥ {a.iou} (one detection per hand); a detection that matches no hand '
         'is a false alarm. Landmark presence ≥ 0.5 throughout (the default).', '',
         '| palm score | style | images | hands | found | recall | false alarms | per 10 images |',
         '|---:|---|---:|---:|---:|---:|---:|---:|']
for score in [float(s) for s in a.scores.split(',')]:
    rows = {}
    for lab in labels:
        res = detect(os.path.join(data, lab['file']), score)
        s = rows.setdefault(lab['style'], {'images': 0, 'hands': 0, 'hits': 0, 'fa': 0, 'missed': [], 'alarms': []})
        s['images'] += 1
        s['hands'] += len(lab['hands'])
        dets = [r['box'] for r in res['regions']]
        used = set()
        for h in lab['hands']:
            cands = sorted((i for i in range(len(dets)) if i not in used and iou(h, dets[i]) >= a.iou), key=lambda i: -iou(h, dets[i]))
            if cands:
                used.add(cands[0])
                s['hits'] += 1
            else:
                s['missed'].append((lab['file'], h))
        for i, d in enumerate(dets):
            if i not in used:
                s['fa'] += 1
                s['alarms'].append((lab['file'], d))
    for style in ('photoreal', 'illustrated'):
        r = rows[style]
        rec = 100.0 * r['hits'] / r['hands'] if r['hands'] else float('nan')
        lines.append(f"| {score} | {style} | {r['images']} | {r['hands']} | {r['hits']} | {rec:.1f} % | {r['fa']} | {10.0 * r['fa'] / r['images']:.2f} |")
        report['runs'].append({'palm_score': score, 'style': style, **r})
lines += ['', 'Misses and false alarms of each run are in `hands-recall.json`.']
open(a.results + '.md', 'w').write('\n'.join(lines) + '\n')
json.dump(report, open(a.results + '.json', 'w'), indent=1)
print('\n'.join(lines))
