#ifndef SIM_RANDOMISATION_H
#define SIM_RANDOMISATION_H
/*
 * [trial] randomisation, private to the library: the key's text (randomisation_config.c)
 * and the randomised trial (randomisation.c), whose patients are drawn in order of entry
 * and given their arms by mscsim_randomise.
 */

#include <stddef.h>

#include "mscsim/config.h"
#include "mscsim/randomise.h"
#include "mscsim/trial.h"

/* Substreams of a trial's generator (beside the arms' 0..7 and the prior's): the patients
 * of a randomised trial in order of entry, and their arms. */
#define SIM_RANDOMISED_PATIENTS_STREAM 0x72616e64ull
#define SIM_RANDOMISATION_STREAM 0x72616e65ull

/* Parses the key's text ("fixed", "simple", "blocks(4)", "stratified_blocks(4; nihss:
 * 6-10, 11-15, 16-21)", "minimisation(0.8; nihss, age)"): its syntax, its ranges and its
 * bands' order; what depends on other keys is sim_randomisation_validate's. */
int sim_randomisation_parse(const char *text, mscsim_randomisation *out, mscsim_error *err);

/* The text the parser reads back, default bands written out. */
void sim_randomisation_format(const mscsim_randomisation *r, char *buf, size_t len);

/* What the key reference lists as its allowed values. */
extern const char sim_randomisation_allowed[];

/* Checks the randomisation against the rest of cfg (blocks whole allocation blocks,
 * factors simulated, NIHSS bands covering the eligible range); the error names the key. */
int sim_randomisation_validate(const mscsim_config *cfg, mscsim_error *err);

/* The scheme mscsim_randomise runs for cfg. */
void sim_randomisation_spec(const mscsim_config *cfg, mscsim_randomise_spec *out);

/* The level (0-based band) of value for factor f. */
int sim_randomisation_level(const mscsim_randomisation *r, int f, double value);

#endif
