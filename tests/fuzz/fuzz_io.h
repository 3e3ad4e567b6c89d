#ifndef MSCSIM_FUZZ_IO_H
#define MSCSIM_FUZZ_IO_H
/* The readers under test take a path, so each input is written to one private file. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_path[64];

/* The input as the file fuzz_path (made once, in the temporary folder); 0 on success. */
static int fuzz_write(const uint8_t *data, size_t size, const char *suffix)
{
    if (!fuzz_path[0]) {
        snprintf(fuzz_path, sizeof fuzz_path, "/tmp/mscsim-fuzz-XXXXXX%s", suffix);
        int fd = mkstemps(fuzz_path, (int)strlen(suffix));
        if (fd < 0)
            abort();
        close(fd);
    }
    FILE *f = fopen(fuzz_path, "wb");
    if (!f)
        abort();
    int ok = fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && ok ? 0 : -1;
}
#endif
