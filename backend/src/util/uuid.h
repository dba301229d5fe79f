/* UUID v4 generation and validation (canonical lower-case form). */
#ifndef PP_UUID_H
#define PP_UUID_H

#include <stdbool.h>

#include "util/bytes.h"

#define PP_UUID_LEN 36

/* Fills out with a random v4 UUID and a terminating NUL. */
void pp_uuid_v4(char out[PP_UUID_LEN + 1]);
/* True when s is a canonical lower-case UUID with version 4 and RFC 4122
 * variant. */
bool pp_uuid_is_valid_v4(pp_bytes_t s);

#endif
