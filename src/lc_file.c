/*  lc_file.c - files from outside and files we write.

    Opening with O_NONBLOCK is what keeps a FIFO from hanging us: open(2)
    of a FIFO for reading otherwise waits for a writer, and a read of
    /dev/zero never ends. fstat on the open descriptor (not stat on the
    name) decides, so the file checked is the file read.
*/
#include "lc_file.h"
#include "lc_alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *
s_kind (mode_t mode)
{
    if (S_ISDIR (mode))
        return "a directory, not a regular file";
    if (S_ISFIFO (mode))
        return "a FIFO, not a regular file";
    if (S_ISCHR (mode) || S_ISBLK (mode))
        return "a device, not a regular file";
    if (S_ISSOCK (mode))
        return "a socket, not a regular file";
    return "not a regular file";
}

int
lc_file_open_regular (const char *path, struct stat *info, const char **why)
{
    int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *why = strerror (errno);
        return -1;
    }
    struct stat own;
    if (!info)
        info = &own;
    if (fstat (fd, info) != 0) {
        *why = strerror (errno);
        close (fd);
        return -1;
    }
    if (!S_ISREG (info->st_mode)) {
        *why = s_kind (info->st_mode);
        close (fd);
        errno = EINVAL;
        return -1;
    }
    //  Reads of a regular file never block; clear the flag all the same so
    //  that the descriptor behaves as any other
    int flags = fcntl (fd, F_GETFL);
    if (flags >= 0)
        fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

int
lc_file_check_regular (const char *path, const char **why)
{
    int fd = lc_file_open_regular (path, NULL, why);
    if (fd < 0)
        return -1;
    close (fd);
    return 0;
}

bool
lc_file_is_one_of (const char *path, const lc_file_id_t *ids, size_t count)
{
    struct stat info;
    if (stat (path, &info) != 0)
        return false;
    for (size_t i = 0; i < count; i++)
        if (ids [i].dev == info.st_dev && ids [i].ino == info.st_ino)
            return true;
    return false;
}

int
lc_file_mkdir_p (const char *path)
{
    char *copy = lc_strdup (path);
    int rc = 0;
    for (char *slash = copy + 1; rc == 0 && *copy; slash++) {
        bool end = *slash == 0;
        if (*slash != '/' && !end)
            continue;
        *slash = 0;
        if (mkdir (copy, 0755) != 0 && errno != EEXIST)
            rc = -1;
        if (end)
            break;
        *slash = '/';
    }
    struct stat info;
    if (rc == 0 && stat (path, &info) != 0)
        rc = -1;
    else
    if (rc == 0 && !S_ISDIR (info.st_mode)) {
        errno = ENOTDIR;
        rc = -1;
    }
    free (copy);
    return rc;
}

int
lc_file_close_checked (FILE **file_p)
{
    FILE *file = *file_p;
    *file_p = NULL;
    errno = 0;
    bool failed = fflush (file) != 0 || ferror (file);
    int saved = errno;
    if (fclose (file) != 0 && !failed) {
        failed = true;
        saved = errno;
    }
    if (failed)
        errno = saved ? saved : EIO;
    return failed ? -1 : 0;
}

#define S_CREATE_TRIES  100         //  temporary names tried at most

static FILE *
s_create (const char *path, char *tmp, size_t size)
{
    for (int n = 0; n < S_CREATE_TRIES; n++) {
        int length = snprintf (tmp, size, "%s.tmp-%ld-%d", path, (long) getpid (), n);
        if (length < 0 || (size_t) length >= size) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        int fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0)
            return NULL;
        FILE *file = fdopen (fd, "w");
        if (!file) {
            int saved = errno;
            close (fd);
            unlink (tmp);
            errno = saved;
        }
        return file;
    }
    errno = EEXIST;
    return NULL;
}

static int
s_commit (FILE **file_p, const char *tmp, const char *path)
{
    int rc = lc_file_close_checked (file_p);
    if (rc == 0)
        rc = rename (tmp, path);
    if (rc) {
        int saved = errno;
        unlink (tmp);
        errno = saved;
    }
    return rc;
}

static void
s_abandon (FILE **file_p, const char *tmp)
{
    if (*file_p) {
        fclose (*file_p);
        *file_p = NULL;
    }
    unlink (tmp);
}

int
lc_file_write_whole (const char *path, lc_file_writer_fn *write, const void *arg)
{
    char tmp [PATH_MAX + 32];
    FILE *file = s_create (path, tmp, sizeof tmp);
    if (!file)
        return -1;
    errno = 0;
    if (write (file, arg)) {
        int saved = errno ? errno : EIO;
        s_abandon (&file, tmp);
        errno = saved;
        return -1;
    }
    return s_commit (&file, tmp, path);
}

int
lc_file_stdout_checked (void)
{
    errno = 0;
    if (fflush (stdout) == 0 && !ferror (stdout))
        return 0;
    if (errno == 0)
        errno = EIO;
    return -1;
}
