/*  lc_study.h - the study file: conditions x trials, read and checked, and
    `lclock plan FILE`, which prints the plan launch/study.sh carries out.

    The study file is ZPL (docs/study.md): a `study` section with `name`,
    `trials`, `seed` and defaults for the condition keys, then one
    `condition = NAME` section per condition. Trial t (1..trials) of every
    condition uses seed + t - 1, so conditions are paired by their seeds.
*/
#ifndef LC_STUDY_H_INCLUDED
#define LC_STUDY_H_INCLUDED

#include "lclock.h"
#include "lc_runinfo.h"

#define LC_STUDY_TRIALS_MAX 1000    //  trials of one condition
#define LC_CONDITIONS_MAX   256     //  conditions of one study
#define LC_QUICK_DURATION   5.0     //  model seconds of a --quick trial, at most

//  One condition: the settings of each of its runs
typedef struct {
    char name [LC_LABEL_MAX + 1];   //  its label: the folder of its trials
    uint32_t machines;              //  machines of a run
    uint32_t rate_min;              //  the rate spec: each machine draws from
    uint32_t rate_max;              //  min..max (fixed when equal)
    uint32_t *rates;                //  or fixed rates, machines of them; NULL
    uint32_t roll;                  //  K of the roll
    double duration;                //  model seconds
    double speed;                   //  model seconds per wall second
    uint32_t trials;                //  runs of it
} lc_condition_t;

typedef struct {
    char name [LC_LABEL_MAX + 1];   //  the study's name: studies/NAME
    uint64_t seed;                  //  seed of trial 1
    bool simulated;                 //  its runs are lclock simulate's
                                    //  (lc_study_simulated)
    lc_condition_t *conditions;     //  in the file's order
    size_t condition_count;
} lc_study_t;

//  Reads and checks a study file. Returns a new study, or NULL after one
//  line on stderr, `PROGRAM: FILE: [condition NAME: ]KEY: ...`.
lc_study_t *
    lc_study_load (const char *path, const char *program);
void
    lc_study_destroy (lc_study_t **self_p);

//  Shortens every condition to at most LC_QUICK_DURATION model seconds
//  (launch/study.sh --quick).
void
    lc_study_quick (lc_study_t *self);

//  The runs are simulated (launch/study.sh --simulate): every condition's
//  speed becomes 1, the simulator's, and a trial is done only when its
//  run.json says simulated.
void
    lc_study_simulated (lc_study_t *self);

//  Wall seconds the study's runs take, not counting start and stop (0
//  when simulated: a simulated minute takes about a millisecond).
double
    lc_study_wall_seconds (const lc_study_t *self);

//  `lclock plan FILE [--quick] [--simulate] [--out DIR]`. Returns the exit status: 0,
//  or 2 after one line on stderr.
int
    lc_study_main (int argc, char *argv []);

#endif
