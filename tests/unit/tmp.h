/*  tmp.h - temporary files of the unit tests, under ${TMPDIR:-/tmp}.

    Never a fixed folder: several suites may run side by side, and a user
    may point TMPDIR elsewhere. tmpfile (3) ignores TMPDIR, so it is not
    used either.
*/
#ifndef LC_TEST_TMP_H_INCLUDED
#define LC_TEST_TMP_H_INCLUDED

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define LC_TEST_PATH_MAX    4096    //  bytes of a temporary path

//  Fills path with ${TMPDIR:-/tmp}/NAME_XXXXXX, for mkstemp or mkdtemp.
static inline char *
lc_test_tmp_path (char *path, size_t size, const char *name)
{
    const char *dir = getenv ("TMPDIR");
    snprintf (path, size, "%s/%s_XXXXXX", dir && *dir ? dir : "/tmp", name);
    return path;
}

//  A new temporary file open for reading and writing, already unlinked;
//  NULL if it could not be made.
static inline FILE *
lc_test_tmp_file (void)
{
    char path [LC_TEST_PATH_MAX];
    int fd = mkstemp (lc_test_tmp_path (path, sizeof path, "lc_test"));
    if (fd < 0)
        return NULL;
    unlink (path);
    FILE *file = fdopen (fd, "w+");
    if (!file)
        close (fd);
    return file;
}

#endif
