/*  lc_notice.h - what a machine says on stderr about bad input, at a
    bounded rate: at once, then at most one line per LC_REPORT_EVERY_MS per
    kind, each line with the count since the last and the last reason.
*/
#ifndef LC_NOTICE_H_INCLUDED
#define LC_NOTICE_H_INCLUDED

#include "lclock.h"

typedef enum {
    LC_NOTICE_REJECTED,         //  delivered messages that failed validation
    LC_NOTICE_BAD_CONNECTION,   //  connections that carried nothing valid
    LC_NOTICE_UNTRUSTED,        //  CURVE clients refused by our zauth
    LC_NOTICE_REFUSED,          //  our handshakes that a peer refused
    LC_NOTICE_KINDS             //  number of kinds
} lc_notice_kind_t;

typedef struct {
    uint64_t count;             //  events not said yet
    int64_t last_ns;            //  monotonic time of the last line
    char last_reason [160];     //  the most recent event's reason (a copy)
} lc_notice_limit_t;

typedef struct {
    uint32_t id;                //  the machine's id, for the line prefix
    lc_notice_limit_t limits [LC_NOTICE_KINDS];     //  per kind
} lc_notice_t;

//  One line on stderr, "lclock machine ID: ...".
void
    lc_notice_say (const lc_notice_t *self, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

//  An event of this kind at monotonic time now_ns: said at once, unless a
//  line of its kind was said less than LC_REPORT_EVERY_MS ago.
void
    lc_notice_event (lc_notice_t *self, lc_notice_kind_t kind, const char *reason,
                     int64_t now_ns);

//  Says the events that waited for their period to end (all of them with
//  all, at stop).
void
    lc_notice_flush (lc_notice_t *self, bool all, int64_t now_ns);

#endif
