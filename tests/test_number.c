/* Numbers in text: the decimal grammar, overflow, underflow, and independence of the locale. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "number.h"

static sim_num_status read(const char *s, double *v)
{
    return sim_number_read(s, strlen(s), v);
}

static void test_grammar(void)
{
    static const char *const good[] = {"0", "1", "-2", "+3", "0.5", ".5", "5.", "1e3", "1E-3",
                                       "-1.25e+02", "007"};
    static const double value[] = {0, 1, -2, 3, 0.5, 0.5, 5, 1000, 0.001, -125, 7};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double v = NAN;
        INT_EQ(read(good[i], &v), SIM_NUM_OK, "'%s' reads", good[i]);
        CHECK(v == value[i], "'%s' is %g (got %.17g)", good[i], value[i], v);
    }
    static const char *const bad[] = {"", " 1", "1 ", "0x10", "0x0.1p0", "nan", "NaN(1)", ".",
                                      "e5", "1e", "1e+", "1.2.3", "1,5", "--1", "+", "1f",
                                      "infx", "0b1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 42;
        INT_EQ(read(bad[i], &v), SIM_NUM_MALFORMED, "'%s' is malformed", bad[i]);
        CHECK(v == 42, "'%s' leaves the output alone", bad[i]);
    }
    double v = 0;
    INT_EQ(read("-Inf", &v), SIM_NUM_INFINITE, "-Inf is a written infinity");
    CHECK(isinf(v) && v < 0, "-Inf reads as -infinity");
    INT_EQ(read("infinity", &v), SIM_NUM_INFINITE, "infinity is a written infinity");
    INT_EQ(read("1e999", &v), SIM_NUM_OVERFLOW, "1e999 overflows");
    INT_EQ(read("-1e999", &v), SIM_NUM_OVERFLOW, "-1e999 overflows");
    INT_EQ(read("1e-999", &v), SIM_NUM_OK, "1e-999 underflows to the nearest double");
    CHECK(v == 0.0, "1e-999 is 0 (got %g)", v);
    INT_EQ(read("4.9e-324", &v), SIM_NUM_OK, "the smallest subnormal reads");
    CHECK(v > 0.0, "4.9e-324 is positive");
    char longtext[200];
    memset(longtext, '1', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    INT_EQ(read(longtext, &v), SIM_NUM_MALFORMED, "199 digits are longer than a number may be");
}

static void test_format(void)
{
    char buf[64];
    STR_EQ(sim_format_double(buf, sizeof buf, 0.1), "0.1", "0.1 in 15 digits");
    STR_EQ(sim_format_double(buf, sizeof buf, 0.1 + 0.2), "0.30000000000000004",
           "0.1 + 0.2 needs 17 digits");
    STR_EQ(sim_format_double(buf, sizeof buf, NAN), "NA", "NaN is NA");
    STR_EQ(sim_format_double(buf, sizeof buf, -INFINITY), "-Inf", "-infinity");
}

/* Under a comma-decimal locale the same texts read and print the same. */
static void test_locale(void)
{
    if (!setlocale(LC_ALL, "de_DE.UTF-8")) {
        printf("SKIP the de_DE.UTF-8 locale is not installed (.ci/run generates it)\n");
        return;
    }
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    CHECK(strcmp(probe, "0,5") == 0, "the locale is comma-decimal (printf gives '%s')", probe);
    double v = 0;
    INT_EQ(read("0.25", &v), SIM_NUM_OK, "0.25 reads under de_DE");
    CHECK(v == 0.25, "0.25 is 0.25 under de_DE (got %g)", v);
    INT_EQ(read("0,25", &v), SIM_NUM_MALFORMED, "0,25 is not a number, whatever the locale");
    char buf[64];
    STR_EQ(sim_format_double(buf, sizeof buf, 0.5), "0.5", "0.5 prints with a point under de_DE");
    char *end;
    CHECK(sim_strtod("2.5x", &end) == 2.5 && *end == 'x', "sim_strtod reads 2.5 under de_DE");
    setlocale(LC_ALL, "C");
}

int main(void)
{
    test_grammar();
    test_format();
    test_locale();
    return TEST_DONE();
}
