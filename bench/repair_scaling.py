#!/usr/bin/python3
"""Repair timings against image size and hole size (called by bench/repair-scaling.sh).

A real generation (the sample comfyui-sdxl-turbo.png, 512 px) resized with Lanczos to each size; a centred box of
the given share of the image, or brush strokes; `burnish repair` run 3 times per case, the median of the pass time it
reports (mask, Lab conversion, fill, blend, composite; not decoding or encoding) and of the whole process.
"""
import argparse, os, re, statistics, subprocess, tempfile, time
import numpy as np
import cv2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--burnish", required=True)
    ap.add_argument("--sample", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    base = cv2.imread(args.sample)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for size in (512, 1024, 2048):
            image = cv2.resize(base, (size, size), interpolation=cv2.INTER_LANCZOS4)
            path = os.path.join(work, f"in-{size}.png")
            cv2.imwrite(path, image)
            for method, kind, fraction in (("fill", "box", 0.05), ("fill", "box", 0.10), ("fill", "box", 0.25), ("fill", "strokes", 0.10),
                                           ("telea", "box", 0.10), ("telea", "strokes", 0.10)):
                mask = np.zeros((size, size), np.uint8)
                if kind == "box":
                    side = int(round(size * fraction ** 0.5))
                    o = (size - side) // 2
                    mask[o:o + side, o:o + side] = 255
                else:
                    rng = np.random.default_rng(size)
                    while (mask > 0).mean() < fraction:
                        pts = rng.integers(0, size, (5, 2)).astype(np.int32)
                        cv2.polylines(mask, [pts], False, 255, max(5, size // 40))
                mask_path = os.path.join(work, f"mask-{size}-{kind}-{fraction}.png")
                cv2.imwrite(mask_path, mask)
                pass_s, wall_s = [], []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    r = subprocess.run(args.burnish.split() + ["repair", path, "--mask", mask_path, "--method", method,
                                                               "-o", os.path.join(work, "out.png"), "--force"], capture_output=True, text=True)
                    wall_s.append(time.perf_counter() - start)
                    if r.returncode != 0:
                        raise SystemExit(r.stderr)
                    pass_s.append(float(re.search(r"([0-9.]+) s$", r.stdout.strip()).group(1)))
                row = (size, method, kind, 100 * (mask > 0).mean(), statistics.median(pass_s), statistics.median(wall_s))
                rows.append(row)
                print("%5d² %-5s %-7s %5.1f %%  pass %6.2f s  process %6.2f s" % row, flush=True)
    lines = ["| image | method | hole | hole %% | repair pass s (median of %d) | whole process s |" % args.runs, "|---|---|---|---:|---:|---:|"]
    lines += ["| %d² | %s | %s | %.1f | %.2f | %.2f |" % r for r in rows]
    with open(args.results, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
