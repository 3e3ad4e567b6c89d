/* The page's text and figures: escaping, numbers, and SVG figures inlined. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mscsim/plot.h"
#include "report_internal.h"

void sim_html_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

void sim_html_printf(FILE *out, const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sim_html_text(out, buf);
}

const char *sim_html_num(char *buf, size_t len, double v, int decimals)
{
    if (isnan(v))
        snprintf(buf, len, "NA");
    else
        snprintf(buf, len, "%.*f", decimals, v);
    return buf;
}

const char *sim_html_pct(char *buf, size_t len, double v)
{
    if (isnan(v))
        snprintf(buf, len, "NA");
    else
        snprintf(buf, len, "%.1f %%", 100 * v);
    return buf;
}

/* Copies gnuplot's SVG to out as an inline <svg>: from the <svg> tag on, without the
 * namespace declarations (inline SVG needs none), gnuplot's title and description, and with
 * every id and reference to one prefixed, so ids stay unique on the page. */
static void inline_svg(FILE *out, const char *svg, const char *prefix)
{
    const char *p = strstr(svg, "<svg");
    if (!p)
        return;
    while (*p) {
        if (strncmp(p, " xmlns", 6) == 0 || strncmp(p, "\n xmlns", 7) == 0) {
            const char *q = strchr(p + 1, '"');
            q = q ? strchr(q + 1, '"') : NULL;
            if (q) {
                p = q + 1;
                continue;
            }
        }
        if (strncmp(p, "<title>", 7) == 0 || strncmp(p, "<desc>", 6) == 0) {
            const char *close = strstr(p, p[1] == 't' ? "</title>" : "</desc>");
            if (close) {
                p = close + (p[1] == 't' ? 8 : 7);
                continue;
            }
        }
        if (strncmp(p, "id='", 4) == 0 || strncmp(p, "id=\"", 4) == 0) {
            fprintf(out, "%.4s%s", p, prefix);
            p += 4;
            continue;
        }
        if (strncmp(p, "href='#", 7) == 0 || strncmp(p, "href=\"#", 7) == 0 ||
            strncmp(p, "url(#", 5) == 0) {
            size_t n = p[0] == 'u' ? 5 : 7;
            fprintf(out, "%.*s%s", (int)n, p, prefix);
            p += n;
            continue;
        }
        fputc(*p++, out);
    }
}

int sim_html_figure(FILE *out, const char *scratch_dir, const char *name, const char *csv,
                    const mscsim_plot_options *opt, const char *caption, mscsim_error *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s.svg", scratch_dir, name);
    int status = mscsim_plot(csv, path, opt, err);
    if (status)
        return status;
    FILE *f = fopen(path, "rb");
    char *svg = NULL;
    size_t len = 0;
    if (f && fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        svg = size >= 0 ? malloc((size_t)size + 1) : NULL;
        rewind(f);
        if (svg)
            len = fread(svg, 1, (size_t)size, f);
    }
    if (f)
        fclose(f);
    remove(path);
    if (!svg) {
        sim_error_set(err, MSCSIM_ENOMEM, "cannot read back the figure %s", path);
        return err->code;
    }
    svg[len] = '\0';
    /* Figures get ids of their own: gnuplot names its markers the same in every file. */
    char prefix[72];
    snprintf(prefix, sizeof prefix, "%s-", name);
    fputs("<figure>\n", out);
    inline_svg(out, svg, prefix);
    free(svg);
    fputs("<figcaption>", out);
    sim_html_text(out, caption);
    fputs("</figcaption>\n</figure>\n", out);
    return MSCSIM_OK;
}
