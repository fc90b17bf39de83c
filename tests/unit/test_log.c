/*  test_log.c - the CSV row writer and reader round trip, bad rows refused.
*/
#include "lc_log.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "tmp.h"

static const char *s_good [] = {
    "1764090123.456789,2,start,0,0,0,1;3,,",
    "1764090123.706901,2,internal,1,1,0,,,",
    "1764090123.956850,2,send,2,2,0,1;3,2:1,2",
    "1764090123.956850,2,send,2,3,0,,2:2,3",
    "1764090124.206840,2,recv,3,5,1,3,3:1,4",
    "1764090184.457011,2,unread,240,311,2,1,1:57,300",
    "1764090184.457015,2,unacked,240,311,2,3,2:80,297",
    "1764090184.457102,2,stop,240,311,2,,,",
    "0.000000,65535,start,0,0,0,,,",
};

static void
test_round_trip (void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof s_good / sizeof s_good [0]; i++) {
        lc_row_t row;
        const char *error = NULL;
        assert_int_equal (lc_row_parse (s_good [i], strlen (s_good [i]), &row, &error), 0);
        char buf [LC_ROW_MAX];
        int len = lc_row_format (&row, buf, sizeof buf);
        assert_true (len > 0);
        assert_int_equal (buf [len - 1], '\n');
        buf [len - 1] = 0;
        assert_string_equal (buf, s_good [i]);
    }
}

typedef struct {
    const char *line;           //  a bad row
    const char *column;         //  the column its error must name
} s_bad_t;

static const s_bad_t s_bad [] = {
    { "",                                           "time" },
    { "1764090123.45678,2,start,0,0,0,,,",           "time" },
    { "1764090123.4567890,2,start,0,0,0,,,",         "time" },
    { "x.000000,2,start,0,0,0,,,",                   "time" },
    { "1.000000,0,start,0,0,0,,,",                   "machine" },
    { "1.000000,65536,start,0,0,0,,,",               "machine" },
    { "1.000000,2,begin,0,0,0,,,",                   "event" },
    { "1.000000,2,start,-1,0,0,,,",                  "tick" },
    { "1.000000,2,start,0,,0,,,",                    "clock" },
    { "1.000000,2,start,0,0,0x1,,,",                 "queue" },
    { "1.000000,2,start,0,0,0,3;1,,",                "peer" },
    { "1.000000,2,start,0,0,0,1;1,,",                "peer" },
    { "1.000000,2,start,0,0,0,1;,,",                 "peer" },
    { "1.000000,2,internal,1,1,0,1,,",               "peer" },
    { "1.000000,2,internal,1,1,0,,2:1,",             "msg" },
    { "1.000000,2,internal,1,1,0,,,5",               "msg_clock" },
    { "1.000000,2,stop,1,1,0,,,,",                   "msg_clock" },
    { "1.000000,2,send,1,1,0,1,2:0,1",               "msg" },
    { "1.000000,2,send,1,1,0,1,3:1,1",               "msg" },
    { "1.000000,2,send,1,1,0,1,2:1,",                "msg_clock" },
    { "1.000000,2,send,1,1,0,1,2-1,1",               "msg" },
    { "1.000000,2,recv,1,1,0,1,3:1,1",               "peer" },
    { "1.000000,2,recv,1,1,0,1;3,3:1,1",             "peer" },
    { "1.000000,2,recv,1,99999999999999999999,0,1,1:1,1", "clock" },
    { "1.000000,2,unacked,1,1,0,1,3:1,1",            "msg" },
    { "1.000000,2,unacked,1,1,0,1;3,2:1,1",          "peer" },
    { "1.000000,2,unacked,1,1,0,,2:1,1",             "peer" },
    { "1.000000,2,unacked,1,1,0,1,,",                "msg" },
};

static void
test_bad_rows (void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof s_bad / sizeof s_bad [0]; i++) {
        lc_row_t row;
        const char *error = NULL;
        int rc = lc_row_parse (s_bad [i].line, strlen (s_bad [i].line), &row, &error);
        if (rc != -1 || !error
        ||  strncmp (error, s_bad [i].column, strlen (s_bad [i].column)) != 0
        ||  error [strlen (s_bad [i].column)] != ':')
            fail_msg ("'%s': rc %d, error '%s', expected one naming %s",
                      s_bad [i].line, rc, error ? error : "(none)", s_bad [i].column);
    }
}

static void
test_file_round_trip (void **state)
{
    (void) state;
    char path [LC_TEST_PATH_MAX];
    int fd = mkstemp (lc_test_tmp_path (path, sizeof path, "lc_test_log"));
    assert_true (fd >= 0);
    close (fd);
    unlink (path);

    lc_log_t *log = lc_log_open (path, true);
    assert_non_null (log);
    size_t count = sizeof s_good / sizeof s_good [0];
    for (size_t i = 0; i < count; i++) {
        lc_row_t row;
        const char *error;
        assert_int_equal (lc_row_parse (s_good [i], strlen (s_good [i]), &row, &error), 0);
        assert_int_equal (lc_log_write (log, &row), 0);
    }
    lc_log_destroy (&log);
    assert_null (log);
    //  Never overwritten
    assert_null (lc_log_open (path, true));

    lc_reader_t *reader = lc_reader_open (path);
    assert_non_null (reader);
    lc_row_t row;
    for (size_t i = 0; i < count; i++) {
        assert_int_equal (lc_reader_next (reader, &row), 1);
        assert_int_equal (lc_reader_line (reader), i + 2);
        char buf [LC_ROW_MAX];
        int len = lc_row_format (&row, buf, sizeof buf);
        buf [len - 1] = 0;
        assert_string_equal (buf, s_good [i]);
    }
    assert_int_equal (lc_reader_next (reader, &row), 0);
    lc_reader_destroy (&reader);
    assert_null (reader);
    unlink (path);
}

//  The lines of path, header included, counted
static size_t
s_lines (const char *path)
{
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    size_t lines = 0;
    int c;
    while ((c = fgetc (file)) != EOF)
        lines += c == '\n';
    fclose (file);
    return lines;
}

//  Buffered rows reach the file when the buffer fills, at lc_log_flush and
//  at lc_log_destroy, in order and whole
static void
test_buffered (void **state)
{
    (void) state;
    char path [LC_TEST_PATH_MAX];
    int fd = mkstemp (lc_test_tmp_path (path, sizeof path, "lc_test_log"));
    assert_true (fd >= 0);
    close (fd);
    unlink (path);

    lc_log_t *log = lc_log_open (path, true);
    assert_non_null (log);
    lc_log_set_buffer (log, 1);         //  raised to LC_ROW_MAX
    lc_row_t row;
    const char *error;
    const char *line = s_good [2];
    assert_int_equal (lc_row_parse (line, strlen (line), &row, &error), 0);
    assert_int_equal (lc_log_write (log, &row), 0);
    assert_int_equal (s_lines (path), 1);   //  the header only
    assert_int_equal (lc_log_flush (log), 0);
    assert_int_equal (s_lines (path), 2);
    assert_int_equal (lc_log_flush (log), 0);   //  nothing more to write
    assert_int_equal (s_lines (path), 2);
    //  More rows than one buffer holds: full buffers go out as they fill
    size_t rows = 2 * LC_ROW_MAX / strlen (line) + 1;
    for (size_t i = 0; i < rows; i++) {
        row.msg_seq = i + 2;
        assert_int_equal (lc_log_write (log, &row), 0);
    }
    size_t lines = s_lines (path);
    assert_true (lines > 2 && lines < rows + 2);
    lc_log_destroy (&log);
    assert_int_equal (s_lines (path), rows + 2);

    lc_reader_t *reader = lc_reader_open (path);
    assert_non_null (reader);
    for (size_t i = 0; i <= rows; i++) {
        assert_int_equal (lc_reader_next (reader, &row), 1);
        assert_int_equal (row.msg_seq, i + 1);
    }
    assert_int_equal (lc_reader_next (reader, &row), 0);
    lc_reader_destroy (&reader);
    unlink (path);
}

static void
test_bad_header (void **state)
{
    (void) state;
    char path [LC_TEST_PATH_MAX];
    int fd = mkstemp (lc_test_tmp_path (path, sizeof path, "lc_test_log"));
    assert_true (fd >= 0);
    const char text [] = "time,machine,event\n1.000000,2,stop,0,0,0,,,\n";
    assert_int_equal (write (fd, text, sizeof text - 1), (ssize_t) sizeof text - 1);
    close (fd);
    lc_reader_t *reader = lc_reader_open (path);
    lc_row_t row;
    assert_int_equal (lc_reader_next (reader, &row), -1);
    assert_int_equal (lc_reader_line (reader), 1);
    assert_non_null (strstr (lc_reader_error (reader), "header"));
    //  Reading goes on after a bad line
    assert_int_equal (lc_reader_next (reader, &row), 1);
    assert_int_equal (row.event, LC_EV_STOP);
    lc_reader_destroy (&reader);
    unlink (path);
}

//  A line far longer than the read buffer is one bad line: the lines
//  after it keep their numbers
static void
test_long_line (void **state)
{
    (void) state;
    char path [LC_TEST_PATH_MAX];
    int fd = mkstemp (lc_test_tmp_path (path, sizeof path, "lc_test_log"));
    assert_true (fd >= 0);
    FILE *file = fdopen (fd, "w");
    assert_non_null (file);
    fprintf (file, "%s\n1.000000,2,start,0,0,0,,,\n", LC_LOG_HEADER);
    for (int i = 0; i < 200000; i++)
        fputc ('9', file);
    fprintf (file, "\n2.000000,2,stop,0,0,0,,,\n");
    fclose (file);
    lc_reader_t *reader = lc_reader_open (path);
    assert_non_null (reader);
    lc_row_t row;
    assert_int_equal (lc_reader_next (reader, &row), 1);
    assert_int_equal (lc_reader_line (reader), 2);
    assert_int_equal (lc_reader_next (reader, &row), -1);
    assert_int_equal (lc_reader_line (reader), 3);
    assert_int_equal (lc_reader_next (reader, &row), 1);
    assert_int_equal (lc_reader_line (reader), 4);
    assert_int_equal (row.event, LC_EV_STOP);
    assert_int_equal (lc_reader_next (reader, &row), 0);
    lc_reader_destroy (&reader);
    unlink (path);
}

//  A row that can only be written halfway (here: the file size limit; on
//  a full disk the same) is cut back off: the log ends with a whole row
static void
test_torn_row (void **state)
{
    (void) state;
    const char *tmp = getenv ("TMPDIR");
    char path [256];
    snprintf (path, sizeof path, "%s/lc_test_torn_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    close (fd);
    unlink (path);
    pid_t pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        signal (SIGXFSZ, SIG_IGN);
        lc_log_t *log = lc_log_open (path, true);
        lc_row_t row;
        const char *error;
        lc_row_parse (s_good [0], strlen (s_good [0]), &row, &error);
        if (!log || lc_log_write (log, &row))
            _exit (2);
        //  Room for 10 bytes of the next row
        off_t size = lseek (open (path, O_RDONLY), 0, SEEK_END);
        struct rlimit limit = { (rlim_t) size + 10, (rlim_t) size + 10 };
        setrlimit (RLIMIT_FSIZE, &limit);
        _exit (lc_log_write (log, &row) == -1 && errno == EFBIG ? 0 : 3);
    }
    int status;
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status));
    assert_int_equal (WEXITSTATUS (status), 0);
    FILE *file = fopen (path, "r");
    char text [512];
    size_t length = fread (text, 1, sizeof text - 1, file);
    fclose (file);
    text [length] = 0;
    char expected [512];
    snprintf (expected, sizeof expected, "%s\n%s\n", LC_LOG_HEADER, s_good [0]);
    assert_string_equal (text, expected);
    unlink (path);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_round_trip),
        cmocka_unit_test (test_bad_rows),
        cmocka_unit_test (test_file_round_trip),
        cmocka_unit_test (test_buffered),
        cmocka_unit_test (test_bad_header),
        cmocka_unit_test (test_long_line),
        cmocka_unit_test (test_torn_row),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
