/*  lc_wire.h - wire messages <-> struct. The format is documented at the
    top of src/lc_wire.c and in docs/protocol.md.
*/
#ifndef LC_WIRE_H_INCLUDED
#define LC_WIRE_H_INCLUDED

#include "lclock.h"

#define LC_WIRE_VERSION     2       //  protocol version on the wire
#define LC_WIRE_FRAMES      2       //  frames in every message
#define LC_WIRE_HEADER_SIZE 8       //  bytes of frame 1
#define LC_WIRE_BODY_MAX    40      //  bytes of frame 2 at most
#define LC_WIRE_MESSAGE_MAX (LC_WIRE_HEADER_SIZE + LC_WIRE_BODY_MAX)
                                    //  bytes of a whole message at most

//  Announcement flags
#define LC_WIRE_FLAG_RESUME 0x1     //  HELLO from a machine restarted with
                                    //  --resume
#define LC_WIRE_FLAG_RUNNING 0x2    //  WELCOME from a machine already ticking

//  ACK flags
#define LC_WIRE_ACK_GAP     0x1     //  a DATA was dropped out of order since
                                    //  the last ACK: send again after `taken`

typedef enum {
    LC_MSG_DATA = 1,            //  a model message: seq and clock
    LC_MSG_HELLO = 2,           //  announcement at start: settings
    LC_MSG_WELCOME = 3,         //  answer to HELLO: settings
    LC_MSG_READY = 4,           //  heard from every peer
    LC_MSG_BYE = 5,             //  stopped ticking, leaving
    LC_MSG_ACK = 6              //  what was taken and logged of the
                                //  recipient's messages
} lc_msg_type_t;

//  The run settings every machine of a run must share
typedef struct {
    uint64_t run_id;            //  hash of the settings and the id set
    double speed;               //  model seconds per wall second
    double duration;            //  model seconds
    uint32_t roll;              //  K of the roll
    uint32_t flags;             //  LC_WIRE_FLAG_*
} lc_settings_t;

typedef struct {
    lc_msg_type_t type;         //  message type
    uint32_t sender;            //  claimed sender id, 1..65535
    uint64_t seq;               //  DATA: the send event's sequence number
    uint64_t clock;             //  DATA: the clock carried
    uint64_t prev;              //  DATA: seq of the sender's previous
                                //  message to this recipient, 0 for none
    uint64_t taken;             //  ACK: the last of the recipient's
                                //  messages taken into the sender's buffer
    uint64_t logged;            //  ACK: the last of them logged
    uint32_t ack_flags;         //  ACK: LC_WIRE_ACK_*
    lc_settings_t settings;     //  HELLO, WELCOME: the sender's settings
    uint64_t instance;          //  all but DATA: the sender's process
                                //  instance, never 0
} lc_wire_msg_t;

//  Returned by lc_wire_decode for a well-formed header of another protocol
//  version: type and sender are filled so that an announcement can be
//  refused by name.
#define LC_WIRE_EVERSION    (-2)

//  Encodes msg into header (LC_WIRE_HEADER_SIZE bytes) and body; returns
//  the body's length.
size_t
    lc_wire_encode (const lc_wire_msg_t *msg,
                    uint8_t header [LC_WIRE_HEADER_SIZE],
                    uint8_t body [LC_WIRE_BODY_MAX]);

//  Decodes frame_count frames. Returns 0; LC_WIRE_EVERSION; or -1 with
//  *reason a static text saying what was wrong. Never reads past a size.
int
    lc_wire_decode (size_t frame_count, const uint8_t *const data [],
                    const size_t size [], lc_wire_msg_t *msg,
                    const char **reason);

//  Name of a message type, for reports ("DATA"), or "?".
const char *
    lc_wire_type_name (lc_msg_type_t type);

//  The run id: a hash of speed, duration, roll, the sorted ids of every
//  machine of the run and the launcher's nonce for this run (0 if none),
//  so that two machines with a different peer set, or started for two
//  different runs, never start together, and each run has its own id.
uint64_t
    lc_wire_run_id (double speed, double duration, uint32_t roll,
                    const uint32_t *ids, size_t id_count, uint64_t nonce);

#endif
