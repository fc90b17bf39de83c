/*  lc_barrier.h - the start barrier and the peers' control messages, pure:
    who answered, who is ready, who left, and what to do about a HELLO,
    WELCOME, READY or BYE (docs/protocol.md, "The conversation").

    The machine hands each control message to lc_barrier_handle and carries
    out the decision it gets back: the messages to send, whether to start
    ticking, whether the run must be refused (exit 2), or the message
    rejected (counted) or ignored. No sockets, no time: unit-tested like
    the model.
*/
#ifndef LC_BARRIER_H_INCLUDED
#define LC_BARRIER_H_INCLUDED

#include "lclock.h"
#include "lc_wire.h"

//  Where this machine is
typedef enum {
    LC_BARRIER_ANNOUNCE,        //  looking for peers, not ticking yet
    LC_BARRIER_RUN,             //  ticking
    LC_BARRIER_DRAIN            //  stopped ticking, leaving
} lc_barrier_phase_t;

typedef struct {
    uint32_t id;                //  peer's machine id
    bool answered;              //  it answered our HELLO: our link works
    bool ready;                 //  it said READY (or WELCOME, running)
    bool left;                  //  it said BYE: send it nothing new
    uint64_t instance;          //  its process instance, 0 until known
    lc_msg_type_t announced;    //  the HELLO or READY it last got on a
                                //  live link, 0 for none yet
    unsigned skip;              //  rounds skipped between its repeats
    unsigned wait;              //  rounds to skip before the next one
} lc_barrier_peer_t;

//  Messages a decision asks the machine to send (bits)
#define LC_BARRIER_WELCOME      0x01    //  WELCOME to the sender
#define LC_BARRIER_READY        0x02    //  READY to the sender
#define LC_BARRIER_BYE          0x04    //  BYE to the sender
#define LC_BARRIER_READY_ALL    0x08    //  READY to every peer

typedef enum {
    LC_BARRIER_OK,              //  handled (see sends, start, ...)
    LC_BARRIER_IGNORE,          //  nothing to do (a late or repeated answer)
    LC_BARRIER_REJECT,          //  contradicts the run: drop and count it
    LC_BARRIER_REFUSE           //  different run settings at start: exit 2
} lc_barrier_verdict_t;

typedef struct {
    lc_barrier_verdict_t verdict;   //  what kind of decision
    unsigned sends;             //  LC_BARRIER_* messages to send
    bool start;                 //  every peer answered and is ready
    bool rejoined;              //  the sender came back (--resume): it is
                                //  a peer again, with a new instance
    bool left;                  //  the sender said BYE
    const char *reason;         //  REJECT: why (static text)
    const char *setting;        //  REFUSE: the setting that differs
    char here [64];             //  REFUSE: its value here
    char there [64];            //  REFUSE: its value at the sender
    bool unreadable;            //  REFUSE: the sender's answers cannot be
                                //  read (another protocol version)
} lc_barrier_decision_t;

typedef struct {
    lc_settings_t settings;     //  our run settings, as announced
    uint64_t instance;          //  our process instance
    lc_barrier_phase_t phase;   //  where we are (the machine moves it)
    size_t peer_count;          //  entries of peers
    lc_barrier_peer_t *peers;   //  ascending by id (owned)
} lc_barrier_t;

//  peers: peer_count ids, ascending.
void
    lc_barrier_init (lc_barrier_t *self, const lc_settings_t *settings,
                     uint64_t instance, const uint32_t *peers, size_t peer_count);
void
    lc_barrier_reset (lc_barrier_t *self);

//  A control message (HELLO, WELCOME, READY, BYE) from peer index idx (the
//  position of its id in the ascending peer list).
lc_barrier_decision_t
    lc_barrier_handle (lc_barrier_t *self, size_t idx, const lc_wire_msg_t *msg);

//  An announcement of another protocol version from peer idx: a refusal
//  (exit 2) while announcing, else a rejected message.
lc_barrier_decision_t
    lc_barrier_other_version (lc_barrier_t *self, size_t idx);

//  What to announce to peer idx in this round of the announcement timer:
//  LC_MSG_HELLO until it answered, then LC_MSG_READY (once all answered)
//  until it is ready, and with refresh to a ready peer too (our READY to
//  it may have been lost with a connection: it would wait for it
//  forever); 0 for nothing, or for a repeat that waits its turn (below).
lc_msg_type_t
    lc_barrier_announce (lc_barrier_t *self, size_t idx, bool refresh);

//  A HELLO or READY went to peer idx: delivered (queued on a live link)
//  or not (no connection yet: tried again next round). A peer that got
//  one and has not answered, or is not ready, gets it again after 1, 2,
//  4... rounds, at most every LC_READY_REFRESH rounds: a peer too busy to
//  answer at once (hundreds of machines forming a mesh on a few cores)
//  would otherwise be sent ten announcements a second by every other
//  machine, and fall further behind. Other types are ignored.
void
    lc_barrier_announced (lc_barrier_t *self, size_t idx, lc_msg_type_t type,
                          bool delivered);

//  True if a message from peer idx may come from instance: the one known,
//  or the first heard of (then it is the one known).
bool
    lc_barrier_accept_instance (lc_barrier_t *self, size_t idx, uint64_t instance);

//  True if every peer answered our HELLO.
bool
    lc_barrier_all_answered (const lc_barrier_t *self);

//  The ids of the peers that never answered (or, when all answered, that
//  are not ready), as "2, 5, 9" in buf. Returns their count.
size_t
    lc_barrier_missing (const lc_barrier_t *self, bool *answered_all,
                        char *buf, size_t size);

#endif
