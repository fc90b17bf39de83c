/*  lc_file.h - files from outside and files we write.

    What the analyzer and the machine read may be anything a careless user
    put there: a FIFO, a device, a directory. Only regular files are read,
    and opening one never blocks. Outputs are checked against the inputs by
    device and inode (never by name), and every write is checked.
*/
#ifndef LC_FILE_H_INCLUDED
#define LC_FILE_H_INCLUDED

#include "lclock.h"

#include <stdio.h>
#include <sys/stat.h>

//  Opens path for reading only if it is a regular file: with O_NONBLOCK
//  (a FIFO never waits for a writer), then fstat. Returns the descriptor
//  with *info filled (info may be NULL), or -1 with *why a static text
//  ("No such file or directory", "a FIFO, not a regular file", ...).
int
    lc_file_open_regular (const char *path, struct stat *info, const char **why);

//  0 if path is a regular file that can be opened for reading, else -1
//  with *why as above.
int
    lc_file_check_regular (const char *path, const char **why);

//  The identity of a file: device and inode
typedef struct {
    dev_t dev;                  //  device holding it
    ino_t ino;                  //  inode on that device
} lc_file_id_t;

//  True if path exists and is one of the count files of ids (symlinks
//  followed, hard links caught).
bool
    lc_file_is_one_of (const char *path, const lc_file_id_t *ids, size_t count);

//  Creates path and its missing parents (like mkdir -p). Tolerates another
//  process creating the same folder meanwhile (zsys_dir_create fails on
//  that race). Returns 0, or -1 with errno set (ENOTDIR when path exists
//  but is not a directory).
int
    lc_file_mkdir_p (const char *path);

//  Flushes and closes *file_p (sets it to NULL), and tells whether every
//  write to it went through. Returns 0, or -1 with errno set.
int
    lc_file_close_checked (FILE **file_p);

//  What lc_file_write_whole writes: the whole output into file. Returns 0,
//  or -1 (with errno set where it knows why) when it could not.
typedef int (lc_file_writer_fn) (FILE *file, const void *arg);

//  An output written whole or not at all: write (file, arg) into a new
//  file beside path (path.tmp-PID-N, created with O_EXCL: never a FIFO, a
//  device or a link that was there), flushed and closed, checked, then
//  renamed over path. On any failure (write returns -1, or a write to the
//  file failed) the new file is removed and path left as it was: a reader
//  never sees half a file, and a link at path is replaced, not followed.
//  Returns 0, or -1 with errno set (EIO when nothing said why).
int
    lc_file_write_whole (const char *path, lc_file_writer_fn *write, const void *arg);

//  Flushes stdout and tells whether every write to it went through.
//  Returns 0, or -1 with errno set.
int
    lc_file_stdout_checked (void);

#endif
