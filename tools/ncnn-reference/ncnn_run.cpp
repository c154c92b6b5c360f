// Reference runner for the equivalence goldens: ncnn on the CPU in fp32 (fp16/bf16 storage and arithmetic off).
//   ncnn_run run PARAM BIN IN.png OUT.png IN_BLOB OUT_BLOB X Y SIZE   the whole image through the graph (RGB / 255 in);
//                                                                     writes the output window (X, Y, SIZE²) as 16-bit PNG
//   ncnn_run window IN.png OUT.png X Y SIZE                           an 8-bit PNG's window as 16-bit PNG (×257)
//   ncnn_run crop IN.png OUT.png X Y SIZE                             cuts a fixture crop
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>
#include <zlib.h>
#include "net.h"
#include "simpleocv.h"

typedef std::function<float(int x, int y, int c)> Sample;

static void chunk(FILE* f, const char* type, const std::vector<unsigned char>& data)
{
    unsigned char len[4] = {(unsigned char)(data.size() >> 24), (unsigned char)(data.size() >> 16), (unsigned char)(data.size() >> 8), (unsigned char)data.size()};
    fwrite(len, 1, 4, f);
    fwrite(type, 1, 4, f);
    if (!data.empty()) fwrite(data.data(), 1, data.size(), f);
    uLong crc = crc32(crc32(0, (const Bytef*)type, 4), data.data(), (uInt)data.size());
    unsigned char c[4] = {(unsigned char)(crc >> 24), (unsigned char)(crc >> 16), (unsigned char)(crc >> 8), (unsigned char)crc};
    fwrite(c, 1, 4, f);
}

// 16-bit RGB PNG of the window (X, Y, SIZE²), values clamped to 0–1.
static int write_png16(const char* path, int x0, int y0, int size, const Sample& at)
{
    std::vector<unsigned char> raw;
    for (int y = y0; y < y0 + size; y++) {
        raw.push_back(0); // filter: none
        for (int x = x0; x < x0 + size; x++)
            for (int c = 0; c < 3; c++) {
                int q = (int)lrintf(std::min(std::max(at(x, y, c), 0.f), 1.f) * 65535.f);
                raw.push_back((unsigned char)(q >> 8));
                raw.push_back((unsigned char)(q & 255));
            }
    }
    uLongf packed_size = compressBound(raw.size());
    std::vector<unsigned char> packed(packed_size);
    if (compress2(packed.data(), &packed_size, raw.data(), raw.size(), 9) != Z_OK) return 1;
    packed.resize(packed_size);
    FILE* f = fopen(path, "wb");
    if (!f) return 1;
    fwrite("\x89PNG\r\n\x1a\n", 1, 8, f);
    std::vector<unsigned char> ihdr = {0, 0, (unsigned char)(size >> 8), (unsigned char)size, 0, 0, (unsigned char)(size >> 8), (unsigned char)size, 16, 2, 0, 0, 0};
    chunk(f, "IHDR", ihdr);
    chunk(f, "IDAT", packed);
    chunk(f, "IEND", {});
    return fclose(f) != 0;
}

int main(int argc, char** argv)
{
    if (argc == 11 && !strcmp(argv[1], "run")) {
        cv::Mat bgr = cv::imread(argv[4], 1);
        if (bgr.empty()) { fprintf(stderr, "cannot read %s\n", argv[4]); return 1; }
        ncnn::Net net;
        // fp32 throughout: fp16/bf16 would add a second rounding that the importer does not make.
        net.opt.use_vulkan_compute = false;
        net.opt.use_fp16_packed = false;
        net.opt.use_fp16_storage = false;
        net.opt.use_fp16_arithmetic = false;
        net.opt.use_bf16_storage = false;
        net.opt.num_threads = 2;
        if (net.load_param(argv[2]) || net.load_model(argv[3])) { fprintf(stderr, "cannot load model\n"); return 1; }
        ncnn::Mat in = ncnn::Mat::from_pixels(bgr.data, ncnn::Mat::PIXEL_BGR2RGB, bgr.cols, bgr.rows);
        const float norm[3] = {1 / 255.f, 1 / 255.f, 1 / 255.f};
        in.substract_mean_normalize(0, norm);
        ncnn::Extractor ex = net.create_extractor();
        ex.input(argv[6], in);
        ncnn::Mat out;
        if (ex.extract(argv[7], out)) { fprintf(stderr, "forward failed\n"); return 1; }
        fprintf(stderr, "%s: %dx%d -> %dx%d\n", argv[2], in.w, in.h, out.w, out.h);
        return write_png16(argv[5], atoi(argv[8]), atoi(argv[9]), atoi(argv[10]),
            [&](int x, int y, int c) { return out.channel(c).row(y)[x]; });
    }
    if (argc == 7 && (!strcmp(argv[1], "window") || !strcmp(argv[1], "crop"))) {
        cv::Mat bgr = cv::imread(argv[2], 1);
        if (bgr.empty()) { fprintf(stderr, "cannot read %s\n", argv[2]); return 1; }
        int x0 = atoi(argv[4]), y0 = atoi(argv[5]), size = atoi(argv[6]);
        if (x0 < 0 || y0 < 0 || x0 + size > bgr.cols || y0 + size > bgr.rows) { fprintf(stderr, "window outside the image\n"); return 1; }
        if (!strcmp(argv[1], "window"))
            return write_png16(argv[3], x0, y0, size,
                [&](int x, int y, int c) { return bgr.data[(y * bgr.cols + x) * 3 + (2 - c)] / 255.f; });
        cv::Mat crop(size, size, CV_8UC3);
        for (int y = 0; y < size; y++) memcpy(crop.data + y * size * 3, bgr.data + ((y0 + y) * bgr.cols + x0) * 3, size * 3);
        return cv::imwrite(argv[3], crop) ? 0 : 1;
    }
    fprintf(stderr, "usage: see the comment at the top of ncnn_run.cpp\n");
    return 2;
}
