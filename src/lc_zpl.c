/*  lc_zpl.c - a ZPL file (cluster file, study file), its text checked
    before czmq's zconfig reads it.

    zconfig reports its syntax errors with zclock_log on stdout, in its own
    words, with a timestamp and without the file name, so the text is
    checked here first, line by line, against zconfig's own grammar (4-space
    indents, name characters, `name = value`, quotes; each check is one
    zconfig refuses), and only then given to zconfig, which then never
    fails on it. A NUL byte, which would end zconfig's reading of its line,
    and a line longer than LC_ZPL_LINE_MAX (no value needs one; it bounds
    the line buffer here) are refused.
*/
#include "lc_zpl.h"
#include "lc_alloc.h"
#include "lc_file.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

//  Reads the whole file into a new NUL-terminated buffer. Only a regular
//  file: a FIFO would block the open, a device never end the read.
static char *
s_read_file (const lc_where_t *where, const char *what, size_t *size_p)
{
    struct stat status = { 0 };
    const char *why;
    int fd = lc_file_open_regular (where->file, &status, &why);
    if (fd < 0 && errno == EINVAL && S_ISDIR (status.st_mode)) {
        lc_where_error (where, "is a folder; expected a %s", what);
        return NULL;
    }
    if (fd < 0 && errno == EINVAL) {
        lc_where_error (where, "%s; expected a %s", why, what);
        return NULL;
    }
    if (fd < 0) {
        lc_where_error (where, "cannot open it: %s", why);
        return NULL;
    }
    FILE *file = fdopen (fd, "rb");
    if (!file) {
        lc_where_error (where, "cannot read it: %s", strerror (errno));
        close (fd);
        return NULL;
    }
    char *text = lc_malloc (LC_CLUSTER_FILE_MAX + 1);
    size_t size = fread (text, 1, LC_CLUSTER_FILE_MAX + 1, file);
    int error = ferror (file)? errno: 0;
    fclose (file);
    if (error) {
        lc_where_error (where, "cannot read it: %s", strerror (error));
        free (text);
        return NULL;
    }
    if (size > LC_CLUSTER_FILE_MAX) {
        lc_where_error (where, "larger than %d bytes; is it really a %s?",
                        LC_CLUSTER_FILE_MAX, what);
        free (text);
        return NULL;
    }
    text [size] = 0;
    *size_p = size;
    return text;
}

//  A character zconfig accepts in a name
static bool
s_zpl_namechar (char c)
{
    return isalnum ((unsigned char) c) || strchr ("$-_@.&+/", c);
}

//  True if only spaces or a comment follow
static bool
s_zpl_eoln (const char *scan)
{
    while (isspace ((unsigned char) *scan))
        scan++;
    return *scan == 0 || *scan == '#';
}

//  Checks one trimmed line against zconfig's grammar; returns NULL or what
//  is wrong. *level is the line's level, or -1 when it names nothing.
static const char *
s_zpl_line (const char *line, int last_level, int *level)
{
    *level = -1;
    if (line [0] == '#')
        return NULL;
    size_t indent = strspn (line, " ");
    const char *scan = line + indent;
    if (*scan == '\t')
        return "a tab in the indentation; indent with 4 spaces per level";
    if (indent % 4)             //  zconfig refuses a misindented comment too
        return "indent with 4 spaces per level";
    const char *name = scan;
    while (*scan && s_zpl_namechar (*scan))
        scan++;
    if (scan == name) {
        if (s_zpl_eoln (scan))
            return NULL;        //  blank or comment
        return "expected NAME or NAME = VALUE";
    }
    if (*name == '/' || scan [-1] == '/')
        return "a name may not start or end with '/'";
    *level = (int) (indent / 4);
    if (*level > last_level + 1)
        return "indented deeper than one level below the line above";
    while (isspace ((unsigned char) *scan))
        scan++;
    if (*scan != '=')
        return s_zpl_eoln (scan)? NULL: "expected NAME or NAME = VALUE";
    scan++;
    while (isspace ((unsigned char) *scan))
        scan++;
    if (*scan == '"' || *scan == '\'') {
        const char *quote = strchr (scan + 1, *scan);
        if (!quote)
            return "the quoted value has no closing quote";
        if (!s_zpl_eoln (quote + 1))
            return "text after the quoted value";
    }
    return NULL;
}

//  Checks the text line by line, so that zconfig never fails on it
static int
s_zpl_check (const lc_where_t *where, const char *what, const char *text, size_t size)
{
    if (strlen (text) != size) {
        int lineno = 1;
        for (const char *c = text; *c; c++)
            lineno += *c == '\n';
        lc_where_error (where, "line %d: a NUL byte; a %s is text", lineno, what);
        return -1;
    }
    char line [LC_ZPL_LINE_MAX + 1];
    int last_level = -1;
    int lineno = 0;
    while (*text) {
        lineno++;
        size_t length = strcspn (text, "\n");
        if (length > LC_ZPL_LINE_MAX) {
            lc_where_error (where, "line %d: longer than %d bytes", lineno, LC_ZPL_LINE_MAX);
            return -1;
        }
        memcpy (line, text, length);
        line [length] = 0;
        text += length + (text [length] == '\n');
        while (length && isspace ((unsigned char) line [length - 1]))
            line [--length] = 0;

        int level;
        const char *problem = s_zpl_line (line, last_level, &level);
        if (problem) {
            char quoted [LC_QUOTE_MAX];
            lc_where_error (where, "line %d: %s, got '%s'", lineno, problem,
                     lc_value_quote (line, quoted, sizeof quoted));
            return -1;
        }
        if (level >= 0)
            last_level = level;
    }
    return 0;
}

zconfig_t *
lc_zpl_load (const lc_where_t *where, const char *what)
{
    assert (where && where->file && what);
    size_t size;
    char *text = s_read_file (where, what, &size);
    if (!text)
        return NULL;
    if (s_zpl_check (where, what, text, size)) {
        free (text);
        return NULL;
    }
    zchunk_t *chunk = zchunk_new (text, size);
    free (text);
    assert (chunk);
    zconfig_t *root = zconfig_chunk_load (chunk);
    zchunk_destroy (&chunk);
    if (!root)
        //  Not expected after s_zpl_check; zconfig has said why on stdout
        lc_where_error (where, "not a valid ZPL file (see docs/cli.md)");
    return root;
}
