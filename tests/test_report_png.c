/*
 * Inspects a PNG screenshot for tests/test_report.sh: prints "WIDTH HEIGHT INK RIGHT" where
 * INK is the share of pixels that are not near-white (some channel below 224) and RIGHT is
 * the rightmost column holding such a pixel (-1 for none), so the test can tell a rendered
 * page from a blank one and see whether anything spills past the page's width.
 *
 * A PNG decoder of its own (8-bit RGB or RGBA, not interlaced: what headless Chromium
 * writes) on zlib, rather than an image tool: zlib is one small library, where ImageMagick
 * or Python's imaging library would be large dependencies for one number.
 * Usage: test_report_png FILE.png (exit 0; 2 for a file it cannot read as such a PNG).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int fail(const char *path, const char *why)
{
    fprintf(stderr, "test_report_png: %s: %s\n", path, why);
    return 2;
}

/* Paeth predictor of the PNG specification (filter type 4). */
static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return fail("usage", "test_report_png FILE.png");
    const char *path = argv[1];
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(path, "cannot open");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    unsigned char *file = size > 8 ? malloc((size_t)size) : NULL;
    if (!file || fread(file, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(file);
        return fail(path, "cannot read");
    }
    fclose(f);
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (memcmp(file, signature, 8) != 0)
        return fail(path, "not a PNG");
    uint32_t width = 0, height = 0;
    int channels = 0;
    unsigned char *idat = malloc((size_t)size);
    size_t idat_len = 0;
    for (long at = 8; at + 12 <= size;) {
        uint32_t len = be32(file + at);
        const unsigned char *type = file + at + 4, *data = file + at + 8;
        if ((long)len > size - at - 12)
            return fail(path, "truncated chunk");
        if (memcmp(type, "IHDR", 4) == 0) {
            width = be32(data);
            height = be32(data + 4);
            if (data[8] != 8 || (data[9] != 2 && data[9] != 6) || data[12] != 0)
                return fail(path, "not an 8-bit RGB(A), non-interlaced PNG");
            channels = data[9] == 2 ? 3 : 4;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            memcpy(idat + idat_len, data, len);
            idat_len += len;
        }
        at += 12 + (long)len;
    }
    if (!width || !height || !channels)
        return fail(path, "no image header");
    size_t stride = (size_t)width * (size_t)channels;
    uLongf raw_len = (uLongf)((stride + 1) * height);
    unsigned char *raw = malloc(raw_len);
    if (!raw || uncompress(raw, &raw_len, idat, (uLong)idat_len) != Z_OK ||
        raw_len != (stride + 1) * height)
        return fail(path, "cannot inflate the image data");
    unsigned char *prev = calloc(stride, 1), *cur = malloc(stride);
    long ink = 0, right = -1;
    for (uint32_t y = 0; y < height; y++) {
        const unsigned char *line = raw + (size_t)y * (stride + 1);
        int filter = line[0];
        for (size_t x = 0; x < stride; x++) {
            int a = x >= (size_t)channels ? cur[x - (size_t)channels] : 0;
            int b = prev[x], c = x >= (size_t)channels ? prev[x - (size_t)channels] : 0;
            int v = line[1 + x];
            switch (filter) {
            case 1: v += a; break;
            case 2: v += b; break;
            case 3: v += (a + b) / 2; break;
            case 4: v += paeth(a, b, c); break;
            default: break;
            }
            cur[x] = (unsigned char)v;
        }
        for (uint32_t x = 0; x < width; x++) {
            const unsigned char *px = cur + (size_t)x * (size_t)channels;
            if (px[0] < 224 || px[1] < 224 || px[2] < 224) {
                ink++;
                if ((long)x > right)
                    right = (long)x;
            }
        }
        memcpy(prev, cur, stride);
    }
    printf("%u %u %.4f %ld\n", width, height, (double)ink / ((double)width * height), right);
    free(file);
    free(idat);
    free(raw);
    free(prev);
    free(cur);
    return 0;
}
