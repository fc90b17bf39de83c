/*  lc_zpl.h - a ZPL file (cluster file, study file), its text checked
    line by line against zconfig's grammar before czmq's zconfig reads it,
    so that every syntax error is one line naming the file and the line.
*/
#ifndef LC_ZPL_H_INCLUDED
#define LC_ZPL_H_INCLUDED

#include "lclock.h"
#include "lc_value.h"
#include <czmq.h>

//  Reads where->file (what names the kind of file in errors: "cluster
//  file", "study file"). Returns the tree, the caller's to zconfig_destroy,
//  or NULL after one line on stderr, `PROGRAM: FILE: [line N: ]...`.
zconfig_t *
    lc_zpl_load (const lc_where_t *where, const char *what);

#endif
