#ifndef MSCSIM_TYPES_H
#define MSCSIM_TYPES_H

/**
 * The small types and limits every layer shares (the config, models, analyses, the trial
 * pipeline and the outputs), in one header that includes nothing, so no public header has
 * to include another only for an enum.
 */

#ifdef __cplusplus
extern "C" {
#endif

/** Arm indices; the effect is always arm MSCSIM_ARM_MSC minus arm MSCSIM_ARM_CONTROL. */
enum { MSCSIM_ARM_CONTROL = 0, MSCSIM_ARM_MSC = 1, MSCSIM_ARM_COUNT = 2 };

/** Outcome kinds, as bits so an analysis can accept several. */
typedef enum {
    MSCSIM_OUTCOME_CONTINUOUS = 1u << 0, /**< A real-valued endpoint. */
    MSCSIM_OUTCOME_BINARY = 1u << 1,     /**< A 0/1 endpoint, 1 = favourable. */
    MSCSIM_OUTCOME_ORDINAL = 1u << 2     /**< Ordered categories (mRS 0..6), as numbers. */
} mscsim_outcome_kind;

/** Clinical scales ([outcome] scale); see scale.h for their ranges. */
typedef enum {
    MSCSIM_SCALE_NONE = 0, /**< Unbounded, unrounded (normal and binary models' default). */
    MSCSIM_SCALE_FMA_UE,
    MSCSIM_SCALE_FMA_LE,
    MSCSIM_SCALE_FMA_MOTOR,
    MSCSIM_SCALE_BARTHEL,
    MSCSIM_SCALE_NIHSS,
    MSCSIM_SCALE_MRS,
    MSCSIM_SCALE_CUSTOM
} mscsim_scale_id;

#define MSCSIM_MAX_N_VALUES 64 /**< Sample sizes in one [trial] n list. */
#define MSCSIM_NAME_LEN 64     /**< Room for names, including the NUL. */
#define MSCSIM_MAX_KEYS 128    /**< Upper bound on the number of config keys. */
#define MSCSIM_MAX_VISITS 16   /**< Visits per patient. */
#define MSCSIM_MAX_SUBGROUPS 8 /**< Recovery subgroups of the trajectory model. */
#define MSCSIM_MRS_LEVELS 7    /**< mRS 0..6. */
#define MSCSIM_MAX_ANALYSES 8  /**< Analyses run on the same trials ([analysis] tests). */
#define MSCSIM_MAX_IMPUTATIONS 200 /**< [analysis] imputations. */
#define MSCSIM_MAX_COVARIATES 4 /**< [analysis] covariates. */
#define MSCSIM_MAX_UTILITIES 101 /**< [outcome] utilities: one per level of a stepped scale. */
#define MSCSIM_MAX_SLIDING_BANDS 16 /**< NIHSS bands of [analysis] sliding. */
#define MSCSIM_MAX_SWEEP_KEYS 4 /**< Keys in a [sweep]. */
#define MSCSIM_MAX_SWEEP_VALUES 32 /**< Values per swept key. */
#define MSCSIM_MAX_SWEEP_POINTS 4096 /**< Grid points of a [sweep] (the product of its counts). */
#define MSCSIM_SWEEP_VALUE_LEN 48 /**< Room for one swept value, including the NUL. */

#ifdef __cplusplus
}
#endif
#endif
