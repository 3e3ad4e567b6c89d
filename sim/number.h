#ifndef SIM_NUMBER_H
#define SIM_NUMBER_H
/*
 * Numbers in text, the same in every locale: configs, CSV files and the CSV mscsim writes
 * use '.' as the decimal point even when the host program has called setlocale() with a
 * comma-decimal locale. Every reader of numbers in sim/ goes through sim_number_read, so
 * what counts as a number is decided in one place.
 */
#include <stddef.h>

typedef enum {
    SIM_NUM_OK = 0,    /* A finite number (an underflow is kept as the nearest double). */
    SIM_NUM_MALFORMED, /* Empty, not a number, trailing text, or NaN. */
    SIM_NUM_INFINITE,  /* A written infinity ("inf", "-Inf"); *out is set to it. */
    SIM_NUM_OVERFLOW   /* Finite text beyond the double range ("1e999"). */
} sim_num_status;

/* Reads all of the len bytes at text as one decimal number (no surrounding blanks, at most
 * 127 bytes): [+-] digits [. digits] [e|E [+-] digits], or a written infinity. Hexadecimal,
 * NaN and anything else strtod would also take are malformed. */
sim_num_status sim_number_read(const char *text, size_t len, double *out);

/* strtod in the C locale, whatever the process locale. */
double sim_strtod(const char *text, char **end);

/* Writes v with the fewest significant digits (15 to 17) that read back to the same double,
 * in the C locale; "NA" for NaN, "Inf" / "-Inf" for infinities. Returns buf. */
char *sim_format_double(char *buf, size_t len, double v);

#endif
