/*  test_wire.c - every message type round-trips; every class of bad frame
    is rejected with its reason.
*/
#include "lc_wire.h"

#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

typedef struct {
    uint8_t header [LC_WIRE_HEADER_SIZE];   //  frame 1
    uint8_t body [LC_WIRE_BODY_MAX + 8];    //  frame 2, room to grow
    size_t body_size;                       //  bytes of frame 2
} s_frames_t;

static void
s_encode (const lc_wire_msg_t *msg, s_frames_t *frames)
{
    memset (frames, 0, sizeof *frames);
    frames->body_size = lc_wire_encode (msg, frames->header, frames->body);
}

static int
s_decode (s_frames_t *frames, size_t count, lc_wire_msg_t *msg, const char **reason)
{
    const uint8_t *data [2] = { frames->header, frames->body };
    size_t size [2] = { LC_WIRE_HEADER_SIZE, frames->body_size };
    return lc_wire_decode (count, data, size, msg, reason);
}

static void
test_round_trip (void **state)
{
    (void) state;
    lc_settings_t settings = { 0x0123456789abcdefULL, 50.0, 60.0, 10, LC_WIRE_FLAG_RESUME };
    lc_wire_msg_t msgs [] = {
        { .type = LC_MSG_DATA, .sender = 1, .seq = 1, .clock = 0 },
        { .type = LC_MSG_DATA, .sender = 65535, .seq = UINT64_MAX, .clock = LC_CLOCK_MAX,
          .prev = UINT64_MAX - 1 },
        { .type = LC_MSG_HELLO, .sender = 2, .settings = settings, .instance = 1 },
        { .type = LC_MSG_WELCOME, .sender = 3, .settings = settings, .instance = UINT64_MAX },
        { .type = LC_MSG_READY, .sender = 4, .instance = 0x1122334455667788ULL },
        { .type = LC_MSG_BYE, .sender = 5, .instance = 42 },
        { .type = LC_MSG_ACK, .sender = 6, .instance = 7, .taken = (uint64_t) 1 << 40,
          .logged = 5, .ack_flags = LC_WIRE_ACK_GAP },
        { .type = LC_MSG_ACK, .sender = 6, .instance = 7 },
    };
    for (size_t i = 0; i < sizeof msgs / sizeof msgs [0]; i++) {
        s_frames_t frames;
        s_encode (&msgs [i], &frames);
        lc_wire_msg_t out;
        const char *reason = "unset";
        assert_int_equal (s_decode (&frames, 2, &out, &reason), 0);
        assert_null (reason);
        assert_int_equal (out.type, msgs [i].type);
        assert_int_equal (out.sender, msgs [i].sender);
        assert_true (out.seq == msgs [i].seq);
        assert_true (out.clock == msgs [i].clock);
        assert_true (out.prev == msgs [i].prev);
        assert_true (out.instance == msgs [i].instance);
        assert_true (out.taken == msgs [i].taken);
        assert_true (out.logged == msgs [i].logged);
        assert_int_equal (out.ack_flags, msgs [i].ack_flags);
        if (out.type == LC_MSG_HELLO || out.type == LC_MSG_WELCOME) {
            assert_true (out.settings.run_id == settings.run_id);
            assert_true (out.settings.speed == settings.speed);
            assert_true (out.settings.duration == settings.duration);
            assert_int_equal (out.settings.roll, settings.roll);
            assert_int_equal (out.settings.flags, settings.flags);
        }
    }
}

//  Each bad message: a mutation of a good DATA or HELLO message
typedef struct {
    const char *reason;                 //  expected reason
    lc_msg_type_t type;                 //  message to start from
    void (*mutate) (s_frames_t *frames, size_t *count);
} s_bad_t;

static void m_one_frame (s_frames_t *f, size_t *n) { (void) f; *n = 1; }
static void m_three_frames (s_frames_t *f, size_t *n) { (void) f; *n = 3; }
static void m_magic (s_frames_t *f, size_t *n) { (void) n; f->header [0] = 'X'; }
static void m_version (s_frames_t *f, size_t *n) { (void) n; f->header [2] = 1; }
static void m_type (s_frames_t *f, size_t *n) { (void) n; f->header [3] = 9; }
static void m_sender0 (s_frames_t *f, size_t *n) { (void) n; f->header [4] = f->header [5] = 0; }
static void m_reserved (s_frames_t *f, size_t *n) { (void) n; f->header [7] = 1; }
static void m_short (s_frames_t *f, size_t *n) { (void) n; f->body_size--; }
static void m_long (s_frames_t *f, size_t *n) { (void) n; f->body_size++; }
static void m_seq0 (s_frames_t *f, size_t *n) { (void) n; memset (f->body, 0, 8); }
static void m_clock (s_frames_t *f, size_t *n) { (void) n; memset (f->body + 8, 0xff, 8); }
static void m_speed (s_frames_t *f, size_t *n) { (void) n; memset (f->body + 8, 0xff, 8); }
static void m_roll (s_frames_t *f, size_t *n) { (void) n; memset (f->body + 24, 0, 4); }
static void m_flags (s_frames_t *f, size_t *n) { (void) n; f->body [28] = 0x80; }
static void m_prev (s_frames_t *f, size_t *n) { (void) n; memcpy (f->body + 16, f->body, 8); }
static void m_instance0 (s_frames_t *f, size_t *n) { (void) n; memset (f->body + 32, 0, 8); }
static void m_ready0 (s_frames_t *f, size_t *n) { (void) n; memset (f->body, 0, 8); }
static void m_logged (s_frames_t *f, size_t *n) { (void) n; f->body [16] = 1; }
static void m_ack_flags (s_frames_t *f, size_t *n) { (void) n; f->body [27] = 2; }
static void m_ack_reserved (s_frames_t *f, size_t *n) { (void) n; f->body [31] = 1; }

static const s_bad_t s_bad [] = {
    { "wrong frame count",      LC_MSG_DATA,  m_one_frame },
    { "wrong frame count",      LC_MSG_DATA,  m_three_frames },
    { "bad magic",              LC_MSG_DATA,  m_magic },
    { "wrong protocol version", LC_MSG_DATA,  m_version },
    { "unknown message type",   LC_MSG_DATA,  m_type },
    { "sender id 0",            LC_MSG_DATA,  m_sender0 },
    { "reserved bits set",      LC_MSG_DATA,  m_reserved },
    { "wrong body size",        LC_MSG_DATA,  m_short },
    { "wrong body size",        LC_MSG_DATA,  m_long },
    { "sequence number 0",      LC_MSG_DATA,  m_seq0 },
    { "clock out of range",     LC_MSG_DATA,  m_clock },
    { "settings out of range",  LC_MSG_HELLO, m_speed },
    { "settings out of range",  LC_MSG_HELLO, m_roll },
    { "unknown flags",          LC_MSG_HELLO, m_flags },
    { "wrong body size",        LC_MSG_HELLO, m_short },
    { "previous message not before this one", LC_MSG_DATA, m_prev },
    { "instance 0",             LC_MSG_HELLO, m_instance0 },
    { "instance 0",             LC_MSG_READY, m_ready0 },
    { "instance 0",             LC_MSG_BYE,   m_ready0 },
    { "wrong body size",        LC_MSG_READY, m_long },
    { "logged beyond taken",    LC_MSG_ACK,   m_logged },
    { "unknown flags",          LC_MSG_ACK,   m_ack_flags },
    { "reserved bits set",      LC_MSG_ACK,   m_ack_reserved },
    { "wrong body size",        LC_MSG_ACK,   m_short },
};

static void
test_bad_frames (void **state)
{
    (void) state;
    lc_settings_t settings = { 1, 1.0, 60.0, 10, 0 };
    for (size_t i = 0; i < sizeof s_bad / sizeof s_bad [0]; i++) {
        lc_wire_msg_t good = { .type = s_bad [i].type, .sender = 7, .seq = 3,
                               .clock = 9, .prev = 2, .settings = settings,
                               .instance = 99, .taken = 4, .logged = 4 };
        s_frames_t frames;
        s_encode (&good, &frames);
        size_t count = 2;
        s_bad [i].mutate (&frames, &count);
        const uint8_t *data [3] = { frames.header, frames.body, frames.body };
        size_t size [3] = { LC_WIRE_HEADER_SIZE, frames.body_size, 1 };
        lc_wire_msg_t out;
        const char *reason = NULL;
        int rc = lc_wire_decode (count, data, size, &out, &reason);
        int expected = strcmp (s_bad [i].reason, "wrong protocol version") == 0
                     ? LC_WIRE_EVERSION : -1;
        if (rc != expected || !reason || strcmp (reason, s_bad [i].reason))
            fail_msg ("case %zu: rc %d reason '%s', expected %d '%s'", i, rc,
                      reason ? reason : "(none)", expected, s_bad [i].reason);
    }
}

static void
test_wrong_header_size (void **state)
{
    (void) state;
    uint8_t header [LC_WIRE_HEADER_SIZE + 1] = { 'L', 'C', LC_WIRE_VERSION, 1, 0, 1, 0, 0, 0 };
    uint8_t body [24] = { 0 };
    const uint8_t *data [2] = { header, body };
    lc_wire_msg_t out;
    const char *reason;
    for (size_t bad = 0; bad <= LC_WIRE_HEADER_SIZE + 1; bad++) {
        if (bad == LC_WIRE_HEADER_SIZE)
            continue;
        size_t size [2] = { bad, sizeof body };
        assert_int_equal (lc_wire_decode (2, data, size, &out, &reason), -1);
        assert_string_equal (reason, "wrong header size");
    }
}

static void
test_run_id (void **state)
{
    (void) state;
    uint32_t a [] = { 1, 2, 3 }, b [] = { 3, 1, 2 }, c [] = { 1, 2, 4 };
    uint64_t id = lc_wire_run_id (1, 60, 10, a, 3, 0);
    //  Order of ids does not matter; the set, every setting and the
    //  nonce do
    assert_true (id == lc_wire_run_id (1, 60, 10, b, 3, 0));
    assert_true (id != lc_wire_run_id (1, 60, 10, c, 3, 0));
    assert_true (id != lc_wire_run_id (2, 60, 10, a, 3, 0));
    assert_true (id != lc_wire_run_id (1, 61, 10, a, 3, 0));
    assert_true (id != lc_wire_run_id (1, 60, 9, a, 3, 0));
    assert_true (id != lc_wire_run_id (1, 60, 10, a, 2, 0));
    assert_true (id != lc_wire_run_id (1, 60, 10, a, 3, 1));
    assert_true (lc_wire_run_id (1, 60, 10, a, 3, 7) == lc_wire_run_id (1, 60, 10, b, 3, 7));
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_round_trip),
        cmocka_unit_test (test_bad_frames),
        cmocka_unit_test (test_wrong_header_size),
        cmocka_unit_test (test_run_id),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
