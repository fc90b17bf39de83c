/*  lc_delay.h - the simulator's network delay model, pure: the text of
    `lclock simulate --delay`, and one draw per message (docs/simulate.md).

        MS              every message takes MS model milliseconds
        uniform:A-B     uniform in [A, B]
        exp:MEAN        exponential with mean MEAN

    Values are model milliseconds, above 0 and at most LC_DELAY_MAX_MS. A
    draw is rounded to whole model nanoseconds and is at least 1 ns, so a
    message never arrives at the instant it was sent.
*/
#ifndef LC_DELAY_H_INCLUDED
#define LC_DELAY_H_INCLUDED

#include "lclock.h"
#include "lc_clock.h"

#define LC_DELAY_TEXT_MAX   80      //  bytes of a delay model's text

typedef enum {
    LC_DELAY_FIXED,             //  always a
    LC_DELAY_UNIFORM,           //  uniform in [a, b]
    LC_DELAY_EXP                //  exponential, mean a
} lc_delay_kind_t;

typedef struct {
    lc_delay_kind_t kind;       //  which distribution
    double a;                   //  fixed: the delay; uniform: low end;
                                //  exp: the mean (model ms)
    double b;                   //  uniform: high end, >= a (model ms)
} lc_delay_t;

//  Parses text; returns 0, or -1 if it is not a delay model.
int
    lc_delay_parse (const char *text, lc_delay_t *delay);

//  The model as text in the form lc_delay_parse reads, each number with
//  the fewest digits that read back exactly ("0.1", "uniform:0.05-0.2",
//  "exp:1"): what run.json records.
void
    lc_delay_format (const lc_delay_t *delay, char *text, size_t size);

//  One delay, in model nanoseconds (>= 1). Draws one number from rng,
//  except for a fixed delay, which draws nothing.
int64_t
    lc_delay_draw_ns (const lc_delay_t *delay, lc_rng_t *rng);

#endif
