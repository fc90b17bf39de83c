/*  lc_compare.h - `lclock compare DIR...`: runs grouped by condition,
    mean and sd over trials of the figures that a lab notebook needs.

    Each run is read back from its summary.json (lc_result); runs are
    grouped by their run.json label, else by their settings. docs/compare.md
    describes the command, comparison.json and the plots.
*/
#ifndef LC_COMPARE_H_INCLUDED
#define LC_COMPARE_H_INCLUDED

#include "lclock.h"
#include "lc_result.h"

#include <jansson.h>
#include <stdio.h>

//  Mean and sample standard deviation over n values
typedef struct {
    size_t n;                   //  values
    double mean;                //  their mean (NaN when n is 0)
    double sd;                  //  sample sd, n - 1 (NaN when n < 2)
    double min;                 //  smallest
    double max;                 //  largest
} lc_spread_t;

//  Mean and sample sd of values [0..n), skipping NaN values
lc_spread_t
    lc_compare_spread (const double *values, size_t n);

typedef struct _lc_compare_t lc_compare_t;

//  An empty comparison; program prefixes its error lines.
lc_compare_t *
    lc_compare_new (const char *program);
void
    lc_compare_destroy (lc_compare_t **self_p);

//  Finds the run directories under path (path itself, or folders below
//  it: a run directory holds machine-ID.csv or summary.json; its own
//  subfolders are not searched) and reads each one's summary.json.
//  Unreadable runs are kept, listed with the reason. Returns the number
//  of run directories found.
size_t
    lc_compare_add (lc_compare_t *self, const char *path);

//  Groups the runs and computes the figures; call once, after the adds.
void
    lc_compare_finish (lc_compare_t *self);

//  Runs read, runs whose checks failed, runs that could not be read.
size_t
    lc_compare_runs (lc_compare_t *self);
size_t
    lc_compare_failed (lc_compare_t *self);
size_t
    lc_compare_unreadable (lc_compare_t *self);

//  comparison.json (the caller's to json_decref).
json_t *
    lc_compare_json (lc_compare_t *self);
//  comparison.md. Returns 0, or -1 on a write error.
int
    lc_compare_markdown (lc_compare_t *self, FILE *out, bool plots);
//  The short table for stdout.
void
    lc_compare_table (lc_compare_t *self, FILE *out);
//  The plots (PNG and SVG) into dir with gnuplot: 0 drawn, 1 gnuplot not
//  installed, -1 failed; *note says why not.
int
    lc_compare_plots (lc_compare_t *self, const char *dir, const char **note);

//  `lclock compare DIR... [--out DIR] [--json] [--no-plots]`. Returns the
//  exit status: 0 compared, 1 some run failed its checks or could not be
//  read (compared without it), 2 nothing readable or a bad option.
int
    lc_compare_main (int argc, char *argv []);

#endif
