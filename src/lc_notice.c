/*  lc_notice.c - reports on stderr at a bounded rate.

    A flood of bad input must not become a flood of lines: the first event
    of a kind is said at once, the next ones are counted and summed up in
    one line when the period is over (lc_notice_flush is called on every
    tick, so a burst is summed up within about a second of its end).
*/
#include "lc_notice.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#define S_PERIOD_NS     ((int64_t) LC_REPORT_EVERY_MS * 1000000)

static const char *s_names [LC_NOTICE_KINDS] = {
    "rejected messages", "bad connections", "untrusted peers refused",
    "handshakes refused by peers"
};

void
lc_notice_say (const lc_notice_t *self, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    fprintf (stderr, "lclock machine %u: ", self->id);
    vfprintf (stderr, format, args);
    fprintf (stderr, "\n");
    va_end (args);
}

static void
s_line (lc_notice_t *self, lc_notice_kind_t kind, int64_t now_ns)
{
    lc_notice_limit_t *limit = &self->limits [kind];
    lc_notice_say (self, "%s %" PRIu64 " (last: %s)", s_names [kind], limit->count,
                   limit->last_reason);
    limit->count = 0;
    limit->last_ns = now_ns;
}

void
lc_notice_event (lc_notice_t *self, lc_notice_kind_t kind, const char *reason,
                 int64_t now_ns)
{
    lc_notice_limit_t *limit = &self->limits [kind];
    limit->count++;
    snprintf (limit->last_reason, sizeof limit->last_reason, "%s", reason);
    if (limit->last_ns == 0 || now_ns - limit->last_ns >= S_PERIOD_NS)
        s_line (self, kind, now_ns);
}

void
lc_notice_flush (lc_notice_t *self, bool all, int64_t now_ns)
{
    for (int kind = 0; kind < LC_NOTICE_KINDS; kind++) {
        lc_notice_limit_t *limit = &self->limits [kind];
        if (limit->count && (all || now_ns - limit->last_ns >= S_PERIOD_NS))
            s_line (self, (lc_notice_kind_t) kind, now_ns);
    }
}
