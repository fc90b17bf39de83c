/*  lc_analyze.h - `lclock analyze RUN_DIR`: checks, figures, report.
*/
#ifndef LC_ANALYZE_H_INCLUDED
#define LC_ANALYZE_H_INCLUDED

//  argv [0] is "analyze". Returns the exit status (SPEC section 6).
int
    lc_analyze_main (int argc, char *argv []);

#endif
