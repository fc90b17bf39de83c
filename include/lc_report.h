/*  lc_report.h - what `lclock analyze` writes: the stdout table,
    report.md, summary.json, gnuplot plots and the ShiViz log.

    docs/analysis.md documents every summary.json key and the ShiViz
    format.
*/
#ifndef LC_REPORT_H_INCLUDED
#define LC_REPORT_H_INCLUDED

#include "lclock.h"
#include "lc_log.h"
#include "lc_check.h"
#include "lc_stats.h"
#include "lc_file.h"
#include "lc_runinfo.h"
#include "lc_result.h"

#include <stdio.h>
#include <jansson.h>

//  An analyzed run: everything the writers need
typedef struct {
    const char *run_dir;        //  the run directory as given
    const char *program;        //  what input errors start with
                                //  ("lclock analyze")
    lc_runinfo_t *requested;    //  its run.json, or NULL (started by hand)
    const lc_meta_t *machines;  //  machine index -> summary
    size_t count;               //  machines
    lc_check_t *check;          //  finished checker
    lc_stats_t *stats;          //  finished figures
    double window_from;         //  start of the space-time window, model seconds
    double window_to;           //  end of the window, model seconds
    const char *plots_note;     //  why there are no plots, or NULL
    bool plots;                 //  plots were drawn
    const char *shiviz;         //  ShiViz file written, or NULL
    lc_file_id_t *inputs;       //  every file read: no output may be one
    size_t input_count;         //  entries of inputs
} lc_run_t;

//  The result of the analyzed run, computed once from its checks and
//  figures (the caller's to lc_result_destroy). Every writer below renders
//  it; summary.json is lc_result_json of it.
lc_result_t *
    lc_report_result (const lc_run_t *run);

//  summary.json of the run: lc_result_json (lc_report_result (run)).
json_t *
    lc_report_summary (const lc_run_t *run);

//  The short table and the failed checks, for stdout.
void
    lc_report_table (const lc_result_t *result, FILE *out);

//  report.md. Returns 0, or -1 on a write error.
int
    lc_report_markdown (const lc_result_t *result, FILE *out);

//  Draws the plots into dir with gnuplot (PNG and SVG). Returns 0 when
//  drawn, 1 when gnuplot is not installed, -1 when it failed; *note is set
//  to a static text saying why there are no plots.
int
    lc_report_plots (const lc_run_t *run, const char *dir, const char **note);

//  Starts gnuplot (found on PATH, or LCLOCK_GNUPLOT) for plots into dir,
//  its stderr silenced. The plots are drawn into a new folder inside dir,
//  whose name goes into draw (size bytes): gnuplot runs there, and `set
//  output` names files relative to it (so a quote in dir is no matter).
//  Returns the pipe to write commands to, or NULL with *note saying
//  why and *status 1 (not installed) or -1 (failed).
FILE *
    lc_report_gnuplot_open (const char *dir, char *draw, size_t size, const char **note,
                            int *status);
//  Ends the pipe; once gnuplot has drawn every plot, moves them from draw
//  into dir, and removes draw: a gnuplot that failed (a full disk) leaves
//  no half-drawn picture. Returns 0, or -1 with *note when gnuplot failed.
int
    lc_report_gnuplot_close (FILE *gp, const char *draw, const char *dir, const char **note);

//  Names of the plot files, without extension (for links).
extern const char *lc_report_plot_names [];

//  ShiViz writer: one line per row, vector clocks rebuilt from matched
//  messages. Rows come in the analyzer's merged order.
typedef struct _lc_shiviz_t lc_shiviz_t;

lc_shiviz_t *
    lc_shiviz_new (FILE *out, const lc_meta_t *machines, size_t count);
void
    lc_shiviz_row (lc_shiviz_t *self, size_t idx, const lc_row_t *row);
void
    lc_shiviz_destroy (lc_shiviz_t **self_p);

#endif
