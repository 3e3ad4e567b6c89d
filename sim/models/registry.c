/* The models mscsim knows, in the order they are listed (`mscsim models`, the key
 * reference): adding one is its file plus its two lines here. Nothing else belongs in this
 * file (tests/check_model_names.sh checks it). */
#include "config_impl.h"

extern const mscsim_model_type sim_model_normal;
extern const mscsim_model_type sim_model_binary;
extern const mscsim_model_type sim_model_proportional;
extern const mscsim_model_type sim_model_random_recovery;
extern const mscsim_model_type sim_model_trajectory;
extern const mscsim_model_type sim_model_ordinal;

const mscsim_model_type *const sim_models[] = {
    &sim_model_normal,
    &sim_model_binary,
    &sim_model_proportional,
    &sim_model_random_recovery,
    &sim_model_trajectory,
    &sim_model_ordinal,
    NULL,
};
