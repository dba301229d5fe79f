/* Strict UTF-8 validation (no overlongs, no surrogates, max U+10FFFF). */
#ifndef PP_UTF8_H
#define PP_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "util/bytes.h"

/* Returns the number of code points, or -1 if s is not valid UTF-8. */
long pp_utf8_count(pp_bytes_t s);
/* True when s contains a C0/C1 control character or DEL (valid UTF-8 assumed).
 */
bool pp_utf8_has_control(pp_bytes_t s);

#endif
