#include "weyl/version.h"

/* Compiled into the library, so a program can tell which one it runs with. */
const char *weyl_version(void) { return WEYL_VERSION_STRING; }
