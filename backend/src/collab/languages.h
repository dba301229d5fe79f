/* The languages a session can be set to. */
#ifndef PP_COLLAB_LANGUAGES_H
#define PP_COLLAB_LANGUAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "util/bytes.h"

typedef struct {
  const char *id;        /* wire id, e.g. "cpp" */
  const char *name;      /* display name, e.g. "C++" */
  const char *monaco;    /* Monaco language id */
  const char *extension; /* file extension without the dot */
} collab_language_t;

#define COLLAB_DEFAULT_LANGUAGE "javascript"

/* Returns the language table and its length through *count. */
const collab_language_t *collab_languages(size_t *count);
/* Returns the entry for id or NULL. */
const collab_language_t *collab_language_find(pp_bytes_t id);

#endif
