/*  lc_delivery.h - end-to-end delivery over links that drop what they hold
    (docs/protocol.md, "Delivery"), pure: no sockets, no clock of its own.

    Per peer, both directions of one link:

    - sending: every message queued for the peer is kept, in order, until
      the peer acknowledges it as logged; each carries the id of the
      previous one sent to that peer. What was not acknowledged as taken is
      sent again when the link comes back, when the peer reports a gap, or
      when acknowledgements stall while messages are outstanding.
    - receiving: a message is taken into the buffer only in the order the
      peer sent it (its predecessor must be the last one taken); one taken
      already is a duplicate; one whose predecessor is missing is dropped
      (it will come again). What was taken and what was logged is
      acknowledged to the peer, at most every LC_ACK_MS, at once when the
      peer (re)appears. While running, a change waits up to
      LC_ACK_DELAY_MS so that it can ride with a DATA to that peer (sent in
      the same breath, it costs no wake-up of its own) or with later
      changes; while draining it goes at once.
    - when: lc_delivery_due tells when each peer next needs the caller (an
      ACK to send, a stall to check, messages its link would not take), so
      that an idle machine sleeps instead of polling on a timer.

    The caller carries out: it sends the DATA and ACK messages this module
    fills, tells it what went out, what came in and what was logged.
*/
#ifndef LC_DELIVERY_H_INCLUDED
#define LC_DELIVERY_H_INCLUDED

#include "lclock.h"
#include "lc_wire.h"

typedef struct {
    uint64_t seq;               //  the message's send sequence number
    uint64_t clock;             //  clock it carries
} lc_kept_t;

typedef struct {
    //  Sending to the peer
    lc_kept_t *kept;            //  ring of messages not acknowledged as
                                //  logged, oldest first
    size_t capacity;            //  ring slots, a power of two
    size_t head;                //  ring index of the oldest
    size_t length;              //  messages kept
    uint64_t base;              //  the last message acknowledged as logged
                                //  (the oldest kept one's predecessor)
    uint64_t acked_taken;       //  the last acknowledged as taken
    uint64_t last;              //  the last queued (the next one's
                                //  predecessor); 0 for none
    size_t cursor;              //  kept position of the next to transmit
    uint64_t sent_high;         //  highest seq transmitted (a lower or
                                //  equal one again is a retransmission)
    bool synced;                //  the peer's acknowledgements are known:
                                //  transmit (a resumed sender waits)
    int64_t progress_ns;        //  when acknowledgements last advanced or
                                //  transmission started again
    int64_t stall_ns;           //  how long a stall lasts before the
                                //  outstanding go again: LC_ACK_STALL_MS,
                                //  doubled after each stall without
                                //  progress up to LC_ACK_STALL_MAX_MS
    uint64_t instance;          //  the peer's instance its acks came from
    //  Receiving from the peer
    uint64_t taken;             //  its last message taken into the buffer
    uint64_t logged;            //  its last message logged (recv, unread)
    bool ack_due;               //  taken or logged moved since the last ack
    bool ack_now;               //  ack without waiting (it (re)appeared)
    bool gap;                   //  dropped a message out of order since
                                //  the last ack
    int64_t acked_ns;           //  when the last ack went out
    int64_t deferred_ns;        //  when one last could not (0: none since)
    int64_t ack_since_ns;       //  when ack_due became true: the change
                                //  its LC_ACK_DELAY_MS runs from
    int64_t blocked_ns;         //  when the link last refused a message
                                //  (0: never)
    //  What lc_delivery_earliest last knew
    int64_t due_ns;             //  lc_delivery_due for due_can_ack
    bool due_can_ack;           //  the can_ack it was computed for
    bool due_fresh;             //  no call changed the peer since
} lc_delivery_peer_t;

typedef struct {
    size_t count;               //  peers
    lc_delivery_peer_t *peers;  //  by peer index
    bool draining;              //  stopped ticking: whatever is taken will
                                //  be logged as unread, and acked so
} lc_delivery_t;

typedef enum {
    LC_TAKE,                    //  in order: into the buffer
    LC_TAKE_DUPLICATE,          //  taken before: drop, count `duplicates`
    LC_TAKE_GAP,                //  its predecessor is missing: drop
    LC_TAKE_CONTRADICTS         //  its predecessor is older than what was
                                //  taken: no sender sends that (reject)
} lc_take_t;

void
    lc_delivery_init (lc_delivery_t *self, size_t peer_count);
void
    lc_delivery_reset (lc_delivery_t *self);

//  --------------------------------------------------------------------------
//  Sending

//  True if a message may be queued for peer idx (fewer than LC_KEPT_MAX
//  are kept for it).
bool
    lc_delivery_can_queue (const lc_delivery_t *self, size_t idx);
//  Keeps message seq for peer idx (seq above every one before).
void
    lc_delivery_queue (lc_delivery_t *self, size_t idx, uint64_t seq, uint64_t clock);

//  The next message to transmit to peer idx, as a DATA (sender left 0),
//  or false if none is due.
bool
    lc_delivery_next (const lc_delivery_t *self, size_t idx, lc_wire_msg_t *msg);
//  The message lc_delivery_next gave went out at now_ns. Returns true if it
//  had gone out before (a retransmission).
bool
    lc_delivery_sent (lc_delivery_t *self, size_t idx, int64_t now_ns);

//  An ACK from peer idx at now_ns. Returns 0, or -1 if it contradicts what
//  was sent (acknowledges a message never queued for it).
int
    lc_delivery_ack (lc_delivery_t *self, size_t idx, const lc_wire_msg_t *ack,
                     int64_t now_ns);

//  The link to peer idx came back (a new connection: whatever the old one
//  held is gone): transmit again after what it acknowledged as taken.
void
    lc_delivery_link_up (lc_delivery_t *self, size_t idx, int64_t now_ns);

//  Peer idx restarted (--resume) as instance: its buffer is gone. Wait for
//  its acknowledgement, then transmit again after what it says it took.
void
    lc_delivery_restarted (lc_delivery_t *self, size_t idx, uint64_t instance);

//  Checked on a timer: true (and transmission restarts after what was
//  acknowledged as taken) if messages to peer idx are outstanding and
//  acknowledgements have not advanced for LC_ACK_STALL_MS (twice that
//  after a stall that brought no progress, and so on up to
//  LC_ACK_STALL_MAX_MS: a peer that is gone is not flooded).
bool
    lc_delivery_stalled (lc_delivery_t *self, size_t idx, int64_t now_ns);

//  The link to peer idx would not take the next message at now_ns (no
//  connection, or its queue is full): tried again LC_ACK_MS later.
void
    lc_delivery_blocked (lc_delivery_t *self, size_t idx, int64_t now_ns);

//  Messages kept for peer idx (not acknowledged as logged), and the i-th.
size_t
    lc_delivery_kept (const lc_delivery_t *self, size_t idx);
const lc_kept_t *
    lc_delivery_kept_at (const lc_delivery_t *self, size_t idx, size_t i);

//  --------------------------------------------------------------------------
//  Receiving

//  A DATA seq with predecessor prev from peer idx at now_ns: take it or
//  not. Either way an ack is owed; the first change since the last ack
//  starts its delay.
lc_take_t
    lc_delivery_take (lc_delivery_t *self, size_t idx, uint64_t seq, uint64_t prev,
                      int64_t now_ns);

//  Message seq of peer idx was logged (recv or unread) at now_ns.
void
    lc_delivery_logged (lc_delivery_t *self, size_t idx, uint64_t seq, int64_t now_ns);

//  Stopped ticking at now_ns: from now on what is taken will be logged as
//  unread, so it is acknowledged as logged, and so is what the buffer holds.
void
    lc_delivery_drain (lc_delivery_t *self, int64_t now_ns);

//  Peer idx (re)appeared: acknowledge to it at once.
void
    lc_delivery_ack_now (lc_delivery_t *self, size_t idx);

//  The ACK to send to peer idx at now_ns (instance and sender left 0), or
//  false if none is due.
bool
    lc_delivery_ack_due (const lc_delivery_t *self, size_t idx, int64_t now_ns,
                         lc_wire_msg_t *ack);
//  True if an ACK to peer idx waits to go out (due, or waiting for its
//  period to end).
bool
    lc_delivery_ack_pending (const lc_delivery_t *self, size_t idx);
//  That ACK went out at now_ns.
void
    lc_delivery_ack_sent (lc_delivery_t *self, size_t idx, int64_t now_ns);
//  That ACK could not go out at now_ns: it stays pending, tried again
//  LC_ACK_MS later.
void
    lc_delivery_ack_deferred (lc_delivery_t *self, size_t idx, int64_t now_ns);
//  The pending ACK to peer idx if it may go out at now_ns, before it is
//  due, because the caller is awake anyway: beside a DATA sent to it
//  (until_ns INT64_MAX: LC_ACK_MS since the last one is enough), or at a
//  tick when it would be due before until_ns, the next tick (so that the
//  timer need not wake the machine for it); false if none may.
bool
    lc_delivery_ack_rides (const lc_delivery_t *self, size_t idx, int64_t now_ns,
                           int64_t until_ns, lc_wire_msg_t *ack);

//  --------------------------------------------------------------------------
//  When

//  The earliest monotonic time at which peer idx needs the caller: an
//  ACK to send (only if can_ack: the caller may not acknowledge to a peer
//  that does not know it yet), outstanding messages to check for a stall,
//  messages its link would not take; INT64_MAX if nothing will. Depends
//  on nothing but the state: the same until a call changes peer idx.
int64_t
    lc_delivery_due (const lc_delivery_t *self, size_t idx, bool can_ack);
//  The earliest lc_delivery_due over every peer, can_ack [i] for peer i.
//  Asks lc_delivery_due again only for the peers changed since the last
//  call (or whose can_ack changed): a handler that touched one peer of
//  127 costs one call, not 127.
int64_t
    lc_delivery_earliest (lc_delivery_t *self, const bool *can_ack);

//  --------------------------------------------------------------------------
//  --resume: both sides back from the log

//  The log shows message seq of peer idx as received (a recv row).
void
    lc_delivery_restore_logged (lc_delivery_t *self, size_t idx, uint64_t seq);
//  The log shows message seq (carrying clock) sent to peer idx; calls come
//  in log order. The last LC_KEPT_MAX per peer are kept (more were never
//  outstanding at once), and transmission waits for the peer's ack.
void
    lc_delivery_restore_sent (lc_delivery_t *self, size_t idx, uint64_t seq,
                              uint64_t clock);

#endif
