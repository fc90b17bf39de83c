/*  lc_delay.c - the simulator's network delay model, pure.
*/
#include "lc_delay.h"
#include "lc_value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_NS_PER_MS     1e6
#define S_NUMBER_MAX    32          //  bytes of one number of a spec

//  One number of a spec: model ms, above 0
static int
s_number (const char *text, size_t length, double *value)
{
    char number [S_NUMBER_MAX];
    if (length == 0 || length >= sizeof number)
        return -1;
    memcpy (number, text, length);
    number [length] = 0;
    return lc_value_real (number, 0, LC_DELAY_MAX_MS, true, value);
}

//  The '-' between A and B: the first one not part of an exponent (1e-3)
static const char *
s_range_dash (const char *text)
{
    for (const char *c = text; *c; c++)
        if (*c == '-' && c > text && c [-1] != 'e' && c [-1] != 'E')
            return c;
    return NULL;
}

int
lc_delay_parse (const char *text, lc_delay_t *delay)
{
    const char *uniform = "uniform:", *exp = "exp:";
    delay->b = 0;
    if (strncmp (text, uniform, strlen (uniform)) == 0) {
        text += strlen (uniform);
        const char *dash = s_range_dash (text);
        delay->kind = LC_DELAY_UNIFORM;
        if (!dash
        ||  s_number (text, (size_t) (dash - text), &delay->a)
        ||  s_number (dash + 1, strlen (dash + 1), &delay->b)
        ||  delay->a > delay->b)
            return -1;
        return 0;
    }
    delay->kind = LC_DELAY_FIXED;
    if (strncmp (text, exp, strlen (exp)) == 0) {
        text += strlen (exp);
        delay->kind = LC_DELAY_EXP;
    }
    return s_number (text, strlen (text), &delay->a);
}

//  The fewest digits that read back as the same double
static void
s_shortest (double value, char *text, size_t size)
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf (text, size, "%.*g", digits, value);
        if (strtod (text, NULL) == value)
            return;
    }
}

void
lc_delay_format (const lc_delay_t *delay, char *text, size_t size)
{
    char a [S_NUMBER_MAX], b [S_NUMBER_MAX];
    s_shortest (delay->a, a, sizeof a);
    s_shortest (delay->b, b, sizeof b);
    if (delay->kind == LC_DELAY_UNIFORM)
        snprintf (text, size, "uniform:%s-%s", a, b);
    else
        snprintf (text, size, "%s%s", delay->kind == LC_DELAY_EXP ? "exp:" : "", a);
}

//  Uniform in [0, 1), 53 random bits
static double
s_unit (lc_rng_t *rng)
{
    return (double) (lc_rng_next (rng) >> 11) * 0x1.0p-53;
}

int64_t
lc_delay_draw_ns (const lc_delay_t *delay, lc_rng_t *rng)
{
    double ms = delay->a;
    if (delay->kind == LC_DELAY_UNIFORM)
        ms = delay->a + (delay->b - delay->a) * s_unit (rng);
    else
    if (delay->kind == LC_DELAY_EXP)
        ms = -delay->a * log1p (-s_unit (rng));
    //  At most about 37 means (the smallest unit draw is 2^-53): far
    //  inside int64 nanoseconds for every mean up to LC_DELAY_MAX_MS
    int64_t ns = llround (ms * S_NS_PER_MS);
    return ns < 1 ? 1 : ns;
}
