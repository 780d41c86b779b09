/* weyl — the version of the headers, and of the library at run time.
 *
 * The numbers below must equal the VERSION in the top CMakeLists.txt's
 * project() call; configuring the build stops when they differ. */
#ifndef WEYL_VERSION_H
#define WEYL_VERSION_H

#define WEYL_VERSION_MAJOR 0 /* incompatible API changes */
#define WEYL_VERSION_MINOR 2 /* additions; before 1.0 also incompatible changes */
#define WEYL_VERSION_PATCH 0 /* fixes */
/* "MAJOR.MINOR.PATCH" of the headers. */
#define WEYL_VERSION_STRING "0.2.0"
/* One comparable number: MAJOR * 10000 + MINOR * 100 + PATCH. */
#define WEYL_VERSION_NUMBER \
  (WEYL_VERSION_MAJOR * 10000 + WEYL_VERSION_MINOR * 100 + WEYL_VERSION_PATCH)

/* The version of the library actually linked or loaded ("0.2.0"), which can
 * differ from WEYL_VERSION_STRING when a program runs against another
 * shared library than it was compiled with. Never NULL; static storage. */
const char *weyl_version(void);

#endif
