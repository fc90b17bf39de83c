/*  lc_analyze.h - `lclock analyze RUN_DIR`: checks, figures, report.
*/
#ifndef LC_ANALYZE_H_INCLUDED
#define LC_ANALYZE_H_INCLUDED

#include "lc_report.h"

//  argv [0] is "analyze". Returns the exit status (docs/analysis.md).
int
    lc_analyze_main (int argc, char *argv []);

//  Reads every machine-*.csv and machine-*.json of dir, merged by wall
//  time, through the checker and the figures (and the ShiViz writer when
//  shiviz is not NULL). Fills run (free it with lc_analyze_free). Returns
//  0, or LC_EXIT_USAGE with the reason on stderr when the input could not
//  be read. Plots and files are not written here: this is what
//  bench/bench_analyze.c times.
int
    lc_analyze_run (const char *dir, double window_from, double window_to,
                    FILE *shiviz, lc_run_t *run);
//  The same in two steps, so that outputs can be checked against the
//  inputs before anything is written: lc_analyze_open lists the machines,
//  reads their summaries and run.json, and notes every input file
//  (run->inputs; only regular files are accepted); lc_analyze_read then
//  reads the logs. Each returns 0, or LC_EXIT_USAGE said on stderr in one
//  line starting with program ("lclock analyze"; `lclock diverge` opens its
//  runs here too, so both check their input alike); run is then freed.
int
    lc_analyze_open (const char *dir, const char *program, lc_run_t *run);
int
    lc_analyze_read (lc_run_t *run, double window_from, double window_to,
                     FILE *shiviz);
void
    lc_analyze_free (lc_run_t *run);

#endif
