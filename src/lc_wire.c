/*  lc_wire.c - wire messages <-> struct; returns -1 on any bad frame.

    Protocol version 2. Every message is exactly two ZeroMQ frames, sent
    PUSH -> PULL. All integers are big-endian (network order); doubles are
    their IEEE 754 bits as a 64-bit integer.

    Frame 1, header, 8 bytes:
        0   'L' 'C'     magic
        2   version     2
        3   type        1 DATA, 2 HELLO, 3 WELCOME, 4 READY, 5 BYE, 6 ACK
        4   sender      uint16, the sending machine's id (1..65535)
        6   reserved    uint16, 0

    Frame 2, body, by type:
        DATA     24 bytes: seq uint64 (>= 1), clock uint64 (<= 2^62),
                           prev uint64 (< seq: the sender's previous message
                           to this recipient, 0 for none)
        HELLO    40 bytes: run_id uint64, speed double, duration double,
        WELCOME           roll uint32, flags uint32 (1 resume, 2 running),
                          instance uint64 (not 0)
        READY     8 bytes: instance uint64 (not 0)
        BYE       8 bytes: instance uint64 (not 0)
        ACK      32 bytes: instance uint64 (not 0), taken uint64, logged
                           uint64 (<= taken), flags uint32 (1 gap),
                           reserved uint32 (0)

    A message that is not exactly this (frame count, sizes, magic, type,
    reserved bits, unknown flags, numbers out of range) is rejected. The
    machine also rejects a sender id that is not one of its peers, and,
    under CURVE, a sender id that is not the one of the certificate the
    message arrived with. Messages are small: the PULL socket caps any
    message at LC_MAXMSGSIZE bytes, so larger ones drop the connection.
*/
#include "lc_wire.h"

#include <math.h>
#include <string.h>

#define S_MAGIC_0       'L'
#define S_MAGIC_1       'C'
#define S_DATA_SIZE     24
#define S_SETTINGS_SIZE 40
#define S_INSTANCE_SIZE 8
#define S_ACK_SIZE      32
#define S_KNOWN_FLAGS   (LC_WIRE_FLAG_RESUME | LC_WIRE_FLAG_RUNNING)
#define S_KNOWN_ACK_FLAGS LC_WIRE_ACK_GAP

static void
s_put (uint8_t *out, uint64_t value, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--) {
        out [i] = (uint8_t) (value & 0xff);
        value >>= 8;
    }
}

static uint64_t
s_get (const uint8_t *in, int bytes)
{
    uint64_t value = 0;
    for (int i = 0; i < bytes; i++)
        value = (value << 8) | in [i];
    return value;
}

static uint64_t
s_double_bits (double value)
{
    uint64_t bits;
    memcpy (&bits, &value, sizeof bits);
    return bits;
}

static double
s_bits_double (uint64_t bits)
{
    double value;
    memcpy (&value, &bits, sizeof value);
    return value;
}

//  Expected body size per type, or -1 for an unknown type
static int
s_body_size (int type)
{
    switch (type) {
        case LC_MSG_DATA:    return S_DATA_SIZE;
        case LC_MSG_HELLO:
        case LC_MSG_WELCOME: return S_SETTINGS_SIZE;
        case LC_MSG_READY:
        case LC_MSG_BYE:     return S_INSTANCE_SIZE;
        case LC_MSG_ACK:     return S_ACK_SIZE;
        default:             return -1;
    }
}

const char *
lc_wire_type_name (lc_msg_type_t type)
{
    static const char *names [] = { "?", "DATA", "HELLO", "WELCOME", "READY", "BYE", "ACK" };
    return (type >= LC_MSG_DATA && type <= LC_MSG_ACK) ? names [type] : names [0];
}

size_t
lc_wire_encode (const lc_wire_msg_t *msg, uint8_t header [LC_WIRE_HEADER_SIZE],
                uint8_t body [LC_WIRE_BODY_MAX])
{
    header [0] = S_MAGIC_0;
    header [1] = S_MAGIC_1;
    header [2] = LC_WIRE_VERSION;
    header [3] = (uint8_t) msg->type;
    s_put (header + 4, msg->sender, 2);
    s_put (header + 6, 0, 2);
    switch (msg->type) {
        case LC_MSG_DATA:
            s_put (body, msg->seq, 8);
            s_put (body + 8, msg->clock, 8);
            s_put (body + 16, msg->prev, 8);
            break;
        case LC_MSG_HELLO:
        case LC_MSG_WELCOME:
            s_put (body, msg->settings.run_id, 8);
            s_put (body + 8, s_double_bits (msg->settings.speed), 8);
            s_put (body + 16, s_double_bits (msg->settings.duration), 8);
            s_put (body + 24, msg->settings.roll, 4);
            s_put (body + 28, msg->settings.flags, 4);
            s_put (body + 32, msg->instance, 8);
            break;
        case LC_MSG_READY:
        case LC_MSG_BYE:
            s_put (body, msg->instance, 8);
            break;
        case LC_MSG_ACK:
            s_put (body, msg->instance, 8);
            s_put (body + 8, msg->taken, 8);
            s_put (body + 16, msg->logged, 8);
            s_put (body + 24, msg->ack_flags, 4);
            s_put (body + 28, 0, 4);
            break;
    }
    int size = s_body_size (msg->type);
    return size > 0 ? (size_t) size : 0;
}

static int
s_decode_settings (const uint8_t *body, lc_settings_t *settings,
                   const char **reason)
{
    settings->run_id = s_get (body, 8);
    settings->speed = s_bits_double (s_get (body + 8, 8));
    settings->duration = s_bits_double (s_get (body + 16, 8));
    settings->roll = (uint32_t) s_get (body + 24, 4);
    settings->flags = (uint32_t) s_get (body + 28, 4);
    *reason = "settings out of range";
    if (!isfinite (settings->speed) || settings->speed <= 0
    ||  !isfinite (settings->duration) || settings->duration <= 0
    ||  settings->roll < 1 || settings->roll > LC_ROLL_MAX)
        return -1;
    *reason = "unknown flags";
    if (settings->flags & ~(uint32_t) S_KNOWN_FLAGS)
        return -1;
    return 0;
}

static int
s_decode_data (const uint8_t *body, lc_wire_msg_t *msg, const char **reason)
{
    msg->seq = s_get (body, 8);
    msg->clock = s_get (body + 8, 8);
    msg->prev = s_get (body + 16, 8);
    *reason = "sequence number 0";
    if (msg->seq == 0)
        return -1;
    *reason = "clock out of range";
    if (msg->clock > LC_CLOCK_MAX)
        return -1;
    *reason = "previous message not before this one";
    if (msg->prev >= msg->seq)
        return -1;
    return 0;
}

static int
s_decode_ack (const uint8_t *body, lc_wire_msg_t *msg, const char **reason)
{
    msg->taken = s_get (body + 8, 8);
    msg->logged = s_get (body + 16, 8);
    msg->ack_flags = (uint32_t) s_get (body + 24, 4);
    *reason = "logged beyond taken";
    if (msg->logged > msg->taken)
        return -1;
    *reason = "unknown flags";
    if (msg->ack_flags & ~(uint32_t) S_KNOWN_ACK_FLAGS)
        return -1;
    *reason = "reserved bits set";
    if (s_get (body + 28, 4) != 0)
        return -1;
    return 0;
}

//  The body of a message whose header and sizes are right
static int
s_decode_body (const uint8_t *body, lc_wire_msg_t *msg, const char **reason)
{
    int rc = 0;
    switch (msg->type) {
        case LC_MSG_DATA:
            rc = s_decode_data (body, msg, reason);
            break;
        case LC_MSG_HELLO:
        case LC_MSG_WELCOME:
            rc = s_decode_settings (body, &msg->settings, reason);
            msg->instance = s_get (body + 32, 8);
            break;
        case LC_MSG_READY:
        case LC_MSG_BYE:
            msg->instance = s_get (body, 8);
            break;
        case LC_MSG_ACK:
            msg->instance = s_get (body, 8);
            rc = s_decode_ack (body, msg, reason);
            break;
    }
    if (rc == 0 && msg->type != LC_MSG_DATA && msg->instance == 0) {
        *reason = "instance 0";
        rc = -1;
    }
    if (rc == 0)
        *reason = NULL;
    return rc;
}

int
lc_wire_decode (size_t frame_count, const uint8_t *const data [],
                const size_t size [], lc_wire_msg_t *msg, const char **reason)
{
    memset (msg, 0, sizeof *msg);
    *reason = "wrong frame count";
    if (frame_count != LC_WIRE_FRAMES)
        return -1;
    const uint8_t *header = data [0];
    *reason = "wrong header size";
    if (size [0] != LC_WIRE_HEADER_SIZE)
        return -1;
    *reason = "bad magic";
    if (header [0] != S_MAGIC_0 || header [1] != S_MAGIC_1)
        return -1;
    int body_size = s_body_size (header [3]);
    *reason = "unknown message type";
    if (body_size < 0)
        return -1;
    msg->type = (lc_msg_type_t) header [3];
    msg->sender = (uint32_t) s_get (header + 4, 2);
    *reason = "sender id 0";
    if (msg->sender < LC_ID_MIN)
        return -1;
    *reason = "wrong protocol version";
    if (header [2] != LC_WIRE_VERSION)
        return LC_WIRE_EVERSION;
    *reason = "reserved bits set";
    if (s_get (header + 6, 2) != 0)
        return -1;
    *reason = "wrong body size";
    if (size [1] != (size_t) body_size)
        return -1;
    return s_decode_body (data [1], msg, reason);
}

//  FNV-1a, 64 bit: small, stable across hosts and builds
static uint64_t
s_fnv (uint64_t hash, uint64_t value)
{
    for (int i = 0; i < 8; i++) {
        hash ^= (value >> (8 * i)) & 0xff;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

uint64_t
lc_wire_run_id (double speed, double duration, uint32_t roll,
                const uint32_t *ids, size_t id_count, uint64_t nonce)
{
    uint64_t hash = 0xcbf29ce484222325ULL;
    hash = s_fnv (hash, s_double_bits (speed));
    hash = s_fnv (hash, s_double_bits (duration));
    hash = s_fnv (hash, roll);
    //  ids may come in any order: hash them as a sorted set
    uint32_t last = 0;
    for (size_t n = 0; n < id_count; n++) {
        uint32_t next = UINT32_MAX;
        for (size_t i = 0; i < id_count; i++)
            if (ids [i] > last && ids [i] < next)
                next = ids [i];
        if (next == UINT32_MAX)
            break;
        hash = s_fnv (hash, next);
        last = next;
    }
    return s_fnv (hash, nonce);
}
