/*  lc_stats.c - the figures of a run: jumps, queues, drift, message age.

    Everything is computed in one pass over the merged rows with constant
    memory per machine, except message ages: an exact median and 99th
    percentile need every age, kept as 4 bytes (wall microseconds,
    saturated at about 35 minutes) per received message, and reported in
    model milliseconds (wall ms x speed): a run at speed 10 and the same
    run at speed 1 show the same ages. Late ticks stay in wall ms: they
    are about the host, and are held against the tick period in wall ms.

    Model time x of a row is (time - time of the run's first row) * speed.
    Drift uses the highest clock among all rows read so far: since each
    machine's clock only rises, that is the fastest clock at this wall time.
    Definitions are in docs/analysis.md; the figures test pins them.
*/
#include "lc_stats.h"
#include "lc_alloc.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S_US_PER_S      1e6     //  microseconds per second
#define S_US_PER_MS     1e3     //  microseconds per millisecond
#define S_RANK_EPSILON  1e-9    //  0.99 x 100 is 99, not 99.000000000000001

//  Running sums for a least-squares line y = a + b x
typedef struct {
    double n;                   //  points
    double sx;                  //  sum of x
    double sy;                  //  sum of y
    double sxx;                 //  sum of x * x
    double sxy;                 //  sum of x * y
} s_fit_t;

//  A growable array of message ages
typedef struct {
    int32_t *ages_us;           //  ages, microseconds, saturated
    size_t count;               //  ages stored
    size_t size;                //  ages allocated
} s_ages_t;

typedef struct {
    lc_figures_t fig;           //  the figures, final after finish
    lc_meta_t meta;             //  rate and speed from the summary
    bool started;               //  a row was seen
    bool have_t0;               //  t0_us is the first start's time
    int64_t t0_us;              //  time of the first start row
    int64_t first_us;           //  time of the first row
    int64_t last_us;            //  time of the previous row
    uint64_t last_queue;        //  queue after the previous row
    uint64_t last_clock;        //  clock after the previous row
    double queue_area;          //  integral of queue over time, queue x us
    s_fit_t queue_fit;          //  queue after each tick row vs x
    s_fit_t drift_fit;          //  lag after each tick row vs x
    double drift_sum;           //  sum of lags
    bool any_tick;              //  last_tick is valid
    uint64_t last_tick;         //  tick of the last tick row
    double jump_sum;            //  sum of jumps
    s_ages_t ages;              //  ages of messages received here
    lc_sample_t *samples;       //  plot samples
    size_t sample_count;        //  samples stored
    size_t sample_size;         //  samples allocated
    double next_sample;         //  x of the next sample
    lc_sample_t last_sample;    //  the last row, as a sample
    bool last_sampled;          //  last_sample is in samples
} s_machine_t;

struct _lc_stats_t {
    s_machine_t *machines;      //  one per machine index
    size_t count;               //  machines
    lc_figures_t run;           //  figures of the whole run
    double speed;               //  model seconds per wall second
    double step;                //  model seconds between plot samples
    bool started;               //  start_us is valid
    int64_t start_us;           //  time of the run's first row
    int64_t end_us;             //  time of the last row
    uint64_t fastest;           //  highest clock so far
    double window_from;         //  start of the space-time window, model seconds
    double window_to;           //  end of the window, model seconds
    lc_window_event_t *events;  //  rows in the window
    size_t event_count;         //  rows stored
    size_t event_size;          //  rows allocated
    lc_window_arrow_t *arrows;  //  messages touching the window
    size_t arrow_count;         //  messages stored
    size_t arrow_size;          //  messages allocated
    bool truncated;             //  LC_WINDOW_EVENTS_MAX was reached
    bool finished;              //  lc_stats_finish was called
};

//  --------------------------------------------------------------------------
//  Small helpers

static void
s_fit_add (s_fit_t *fit, double x, double y)
{
    fit->n++;
    fit->sx += x;
    fit->sy += y;
    fit->sxx += x * x;
    fit->sxy += x * y;
}

//  Slope of the least-squares line; 0 with fewer than two distinct x
static double
s_fit_slope (const s_fit_t *fit)
{
    double den = fit->n * fit->sxx - fit->sx * fit->sx;
    if (fit->n < 2 || fabs (den) < 1e-12 * (fit->n * fit->sxx + 1))
        return 0;
    return (fit->n * fit->sxy - fit->sx * fit->sy) / den;
}

static void
s_grow (void **array, size_t *size, size_t need, size_t item)
{
    if (need <= *size)
        return;
    size_t size_new = *size ? *size * 2 : 64;
    while (size_new < need)
        size_new *= 2;
    *array = lc_realloc (*array, size_new, item);
    *size = size_new;
}

static double
s_model_x (lc_stats_t *self, int64_t time_us)
{
    return (double) (time_us - self->start_us) / S_US_PER_S * self->speed;
}

//  k-th smallest (0-based) of values [0..count), reordering them
static int32_t
s_select (int32_t *values, size_t count, size_t k)
{
    size_t lo = 0, hi = count - 1;
    while (lo < hi) {
        int32_t pivot = values [lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (values [i] < pivot)
                i++;
            while (values [j] > pivot)
                j--;
            if (i <= j) {
                int32_t swap = values [i];
                values [i] = values [j];
                values [j] = swap;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else
        if (k >= i)
            lo = i;
        else
            return values [k];
    }
    return values [k];
}

//  Nearest rank: the smallest value with at least p of all values <= it
static double
s_percentile_ms (int32_t *values, size_t count, double p)
{
    size_t rank = (size_t) ceil (p * (double) count - S_RANK_EPSILON);
    if (rank < 1)
        rank = 1;
    return s_select (values, count, rank - 1) / S_US_PER_MS;
}

//  Ages are kept in wall microseconds; figures are model ms (x speed)
static void
s_ages_figures (s_ages_t *ages, lc_age_fig_t *fig, double speed)
{
    memset (fig, 0, sizeof *fig);
    fig->count = ages->count;
    if (!ages->count)
        return;
    int32_t max = ages->ages_us [0];
    for (size_t i = 1; i < ages->count; i++)
        if (ages->ages_us [i] > max)
            max = ages->ages_us [i];
    fig->max_ms = max / S_US_PER_MS * speed;
    fig->median_ms = s_percentile_ms (ages->ages_us, ages->count, 0.5) * speed;
    fig->p99_ms = s_percentile_ms (ages->ages_us, ages->count, LC_PERCENTILE_HIGH) * speed;
}

static void
s_jumps_finish (lc_jumps_t *jumps, double sum)
{
    jumps->mean = jumps->count ? sum / (double) jumps->count : 0;
    uint64_t best = 0;
    jumps->mode = 0;
    for (uint64_t k = 0; k < LC_JUMP_BINS; k++)
        if (jumps->bins [k] > best) {
            best = jumps->bins [k];
            jumps->mode = k;
        }
    if (jumps->overflow > best)
        jumps->mode = LC_JUMP_BINS;
    jumps->share_one = jumps->count ? (double) jumps->bins [1] / (double) jumps->count : 0;
}

//  Late ticks against the tick period (period_ms already set)
static void
s_late_finish (lc_figures_t *fig)
{
    fig->late_share = fig->ticks ? (double) fig->late_ticks / (double) fig->ticks : 0;
    fig->late_reached_period = fig->period_ms > 0 && fig->max_lateness_ms >= fig->period_ms;
}

//  --------------------------------------------------------------------------
//  Construction

lc_stats_t *
lc_stats_new (const lc_meta_t *machines, size_t count,
              double window_from, double window_to)
{
    lc_stats_t *self = lc_calloc (1, sizeof *self);
    self->machines = lc_calloc (count, sizeof *self->machines);
    self->count = count;
    self->speed = LC_DEFAULT_SPEED;
    double duration = LC_DEFAULT_DURATION;
    for (size_t i = 0; i < count; i++) {
        self->machines [i].meta = machines [i];
        self->machines [i].fig.machine = machines [i].id;
        self->machines [i].fig.rate = machines [i].rate;
        self->machines [i].fig.jumps.min = UINT64_MAX;
        if (i == 0 && machines [i].speed > 0)
            self->speed = machines [i].speed;
        if (i == 0 && machines [i].duration > 0)
            duration = machines [i].duration;
    }
    self->step = duration / LC_PLOT_POINTS;
    self->window_from = window_from;
    self->window_to = window_to;
    self->run.jumps.min = UINT64_MAX;
    return self;
}

void
lc_stats_destroy (lc_stats_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    lc_stats_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++) {
        free (self->machines [i].ages.ages_us);
        free (self->machines [i].samples);
    }
    free (self->machines);
    free (self->events);
    free (self->arrows);
    free (self);
    *self_p = NULL;
}

//  --------------------------------------------------------------------------
//  Rows

static void
s_window_event (lc_stats_t *self, size_t idx, double x, const lc_row_t *row)
{
    if (x < self->window_from || x > self->window_to)
        return;
    if (self->event_count + self->arrow_count >= LC_WINDOW_EVENTS_MAX) {
        self->truncated = true;
        return;
    }
    s_grow ((void **) &self->events, &self->event_size, self->event_count + 1,
            sizeof *self->events);
    self->events [self->event_count++] = (lc_window_event_t) {
        idx, x, row->clock, row->event
    };
}

static void
s_sample (s_machine_t *m)
{
    s_grow ((void **) &m->samples, &m->sample_size, m->sample_count + 1,
            sizeof *m->samples);
    m->samples [m->sample_count++] = m->last_sample;
    m->last_sampled = true;
}

int64_t
lc_stats_lateness_us (int64_t t0_us, int64_t time_us, uint64_t tick, uint32_t rate,
                      double speed)
{
    assert (rate > 0 && speed > 0);
    //  The due offset rounded to the microsecond, as lc_schedule_due
    //  rounds it; the rest is whole microseconds, exact. (Adding the
    //  offset to a wall time of some 1.7e15 us first, in a double, moved
    //  it by up to 0.125 us, and the lateness by 1 us on some ticks.)
    double due_us = (double) tick / ((double) rate * speed) * S_US_PER_S;
    return time_us - t0_us - (int64_t) llround (due_us);
}

static void
s_lateness (s_machine_t *m, const lc_row_t *row)
{
    if (!m->have_t0 || m->meta.rate == 0 || m->meta.speed <= 0)
        return;
    int64_t late_us = lc_stats_lateness_us (m->t0_us, row->time_us, row->tick,
                                            m->meta.rate, m->meta.speed);
    if (late_us > LC_LATE_TICK_US)
        m->fig.late_ticks++;
    if ((double) late_us / S_US_PER_MS > m->fig.max_lateness_ms)
        m->fig.max_lateness_ms = (double) late_us / S_US_PER_MS;
}

void
lc_stats_row (lc_stats_t *self, size_t idx, const lc_row_t *row)
{
    assert (idx < self->count);
    s_machine_t *m = &self->machines [idx];
    lc_figures_t *fig = &m->fig;
    if (!self->started) {
        self->started = true;
        self->start_us = row->time_us;
    }
    if (row->time_us > self->end_us)
        self->end_us = row->time_us;
    if (row->clock > self->fastest)
        self->fastest = row->clock;
    double x = s_model_x (self, row->time_us);

    fig->rows++;
    if (row->event < LC_EV_COUNT)
        fig->events [row->event]++;
    if (m->started) {
        if (row->time_us > m->last_us)
            m->queue_area += (double) m->last_queue * (double) (row->time_us - m->last_us);
    }
    else
        m->first_us = row->time_us;
    if (row->event == LC_EV_START && !m->have_t0) {
        m->have_t0 = true;
        m->t0_us = row->time_us;
    }
    if (row->queue > fig->queue.max)
        fig->queue.max = row->queue;

    bool tick_row = row->event == LC_EV_SEND || row->event == LC_EV_RECV
                 || row->event == LC_EV_INTERNAL;
    if (tick_row) {
        if (m->started && row->clock >= m->last_clock) {
            uint64_t jump = row->clock - m->last_clock;
            lc_jumps_t *jumps = &fig->jumps;
            jumps->count++;
            m->jump_sum += (double) jump;
            if (jump < jumps->min)
                jumps->min = jump;
            if (jump > jumps->max)
                jumps->max = jump;
            if (jump < LC_JUMP_BINS)
                jumps->bins [jump]++;
            else
                jumps->overflow++;
        }
        if (!m->any_tick || row->tick != m->last_tick) {
            fig->ticks++;
            s_lateness (m, row);
        }
        m->any_tick = true;
        m->last_tick = row->tick;
        uint64_t lag = self->fastest - row->clock;
        m->drift_sum += (double) lag;
        if (lag > fig->drift.max)
            fig->drift.max = lag;
        s_fit_add (&m->drift_fit, x, (double) lag);
        s_fit_add (&m->queue_fit, x, (double) row->queue);
    }
    //  Plot samples: every row at least a step apart, and the last row
    m->last_sample = (lc_sample_t) { x, row->clock, row->queue, self->fastest - row->clock };
    m->last_sampled = false;
    if (x >= m->next_sample || !m->started) {
        s_sample (m);
        m->next_sample = x + self->step;
    }
    s_window_event (self, idx, x, row);
    m->started = true;
    m->last_us = row->time_us;
    m->last_queue = row->queue;
    m->last_clock = row->clock;
}

void
lc_stats_message (void *arg, size_t recipient, size_t sender,
                  int64_t send_us, int64_t recv_us)
{
    lc_stats_t *self = (lc_stats_t *) arg;
    assert (recipient < self->count && sender < self->count);
    s_ages_t *ages = &self->machines [recipient].ages;
    s_grow ((void **) &ages->ages_us, &ages->size, ages->count + 1,
            sizeof *ages->ages_us);
    int64_t age = recv_us - send_us;
    if (age > INT32_MAX)
        age = INT32_MAX;
    if (age < INT32_MIN)
        age = INT32_MIN;
    ages->ages_us [ages->count++] = (int32_t) age;
    double x_send = s_model_x (self, send_us);
    double x_recv = s_model_x (self, recv_us);
    bool inside = (x_send >= self->window_from && x_send <= self->window_to)
               || (x_recv >= self->window_from && x_recv <= self->window_to);
    if (!inside)
        return;
    if (self->event_count + self->arrow_count >= LC_WINDOW_EVENTS_MAX) {
        self->truncated = true;
        return;
    }
    s_grow ((void **) &self->arrows, &self->arrow_size, self->arrow_count + 1,
            sizeof *self->arrows);
    self->arrows [self->arrow_count++] = (lc_window_arrow_t) {
        sender, recipient, x_send, x_recv
    };
}

//  --------------------------------------------------------------------------
//  Figures

void
lc_stats_finish (lc_stats_t *self)
{
    assert (!self->finished);
    self->finished = true;
    lc_figures_t *run = &self->run;
    double jump_sum = 0, drift_sum = 0, drift_n = 0;
    double queue_mean_sum = 0, queue_growth_sum = 0, drift_growth_sum = 0;
    size_t ages_total = 0;
    for (size_t i = 0; i < self->count; i++) {
        s_machine_t *m = &self->machines [i];
        lc_figures_t *fig = &m->fig;
        int64_t span = m->last_us - m->first_us;
        fig->queue.mean = span > 0 ? m->queue_area / (double) span
                                   : (double) m->last_queue;
        fig->queue.final = m->last_queue;
        fig->queue.growth = s_fit_slope (&m->queue_fit);
        fig->drift.mean = m->drift_fit.n ? m->drift_sum / m->drift_fit.n : 0;
        fig->drift.growth = s_fit_slope (&m->drift_fit);
        fig->final_clock = m->last_clock;
        if (m->started && !m->last_sampled)
            s_sample (m);
        if (fig->jumps.count == 0)
            fig->jumps.min = 0;
        s_jumps_finish (&fig->jumps, m->jump_sum);
        s_ages_figures (&m->ages, &fig->age, self->speed);
        fig->period_ms = m->meta.rate && m->meta.speed > 0
                       ? 1000.0 / ((double) m->meta.rate * m->meta.speed) : 0;
        s_late_finish (fig);
        if (fig->period_ms > 0 && (run->period_ms == 0 || fig->period_ms < run->period_ms))
            run->period_ms = fig->period_ms;
        ages_total += m->ages.count;

        run->rows += fig->rows;
        run->ticks += fig->ticks;
        for (int k = 0; k < LC_EV_COUNT; k++)
            run->events [k] += fig->events [k];
        if (fig->final_clock > run->final_clock)
            run->final_clock = fig->final_clock;
        run->jumps.count += fig->jumps.count;
        if (fig->jumps.count && fig->jumps.min < run->jumps.min)
            run->jumps.min = fig->jumps.min;
        if (fig->jumps.max > run->jumps.max)
            run->jumps.max = fig->jumps.max;
        for (size_t k = 0; k < LC_JUMP_BINS; k++)
            run->jumps.bins [k] += fig->jumps.bins [k];
        run->jumps.overflow += fig->jumps.overflow;
        jump_sum += m->jump_sum;
        queue_mean_sum += fig->queue.mean;
        queue_growth_sum += fig->queue.growth;
        if (fig->queue.max > run->queue.max)
            run->queue.max = fig->queue.max;
        run->queue.final += fig->queue.final;
        drift_sum += m->drift_sum;
        drift_n += m->drift_fit.n;
        drift_growth_sum += fig->drift.growth;
        if (fig->drift.max > run->drift.max)
            run->drift.max = fig->drift.max;
        run->late_ticks += fig->late_ticks;
        if (fig->max_lateness_ms > run->max_lateness_ms)
            run->max_lateness_ms = fig->max_lateness_ms;
    }
    if (run->jumps.count == 0)
        run->jumps.min = 0;
    s_jumps_finish (&run->jumps, jump_sum);
    double machines = self->count ? (double) self->count : 1;
    run->queue.mean = queue_mean_sum / machines;
    run->queue.growth = queue_growth_sum / machines;
    run->drift.mean = drift_n ? drift_sum / drift_n : 0;
    run->drift.growth = drift_growth_sum / machines;

    //  All ages together, for the run
    s_ages_t all = { NULL, 0, 0 };
    if (ages_total)
        all.ages_us = lc_calloc (ages_total, sizeof *all.ages_us);
    if (all.ages_us) {
        for (size_t i = 0; i < self->count; i++) {
            s_ages_t *ages = &self->machines [i].ages;
            if (ages->count)
                memcpy (all.ages_us + all.count, ages->ages_us,
                        ages->count * sizeof *ages->ages_us);
            all.count += ages->count;
        }
    }
    s_ages_figures (&all, &run->age, self->speed);
    s_late_finish (run);
    free (all.ages_us);
}

const lc_figures_t *
lc_stats_machine (lc_stats_t *self, size_t idx)
{
    assert (idx < self->count);
    return &self->machines [idx].fig;
}

const lc_figures_t *
lc_stats_run (lc_stats_t *self)
{
    return &self->run;
}

double
lc_stats_speed (lc_stats_t *self)
{
    return self->speed;
}

int64_t
lc_stats_start_us (lc_stats_t *self)
{
    return self->start_us;
}

int64_t
lc_stats_end_us (lc_stats_t *self)
{
    return self->end_us;
}

int64_t
lc_stats_start_spread_us (lc_stats_t *self)
{
    int64_t earliest = INT64_MAX, latest = INT64_MIN;
    for (size_t i = 0; i < self->count; i++) {
        s_machine_t *m = &self->machines [i];
        if (!m->have_t0)
            continue;
        earliest = m->t0_us < earliest ? m->t0_us : earliest;
        latest = m->t0_us > latest ? m->t0_us : latest;
    }
    return latest > earliest ? latest - earliest : 0;
}

const lc_sample_t *
lc_stats_samples (lc_stats_t *self, size_t idx, size_t *count)
{
    assert (idx < self->count);
    *count = self->machines [idx].sample_count;
    return self->machines [idx].samples;
}

const lc_window_event_t *
lc_stats_window_events (lc_stats_t *self, size_t *count, bool *truncated)
{
    *count = self->event_count;
    *truncated = self->truncated;
    return self->events;
}

const lc_window_arrow_t *
lc_stats_window_arrows (lc_stats_t *self, size_t *count)
{
    *count = self->arrow_count;
    return self->arrows;
}
