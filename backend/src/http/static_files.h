/* Maps a request path to a file of the built front end. */
#ifndef PP_HTTP_STATIC_FILES_H
#define PP_HTTP_STATIC_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "util/bytes.h"

typedef enum {
  HTTP_STATIC_FOUND,    /* a file: serve it */
  HTTP_STATIC_APP,      /* an app route (no extension): serve index.html */
  HTTP_STATIC_MISSING,  /* looks like a file but is not there: 404 */
  HTTP_STATIC_FORBIDDEN /* dot-segments, NUL or hidden files */
} http_static_result_t;

typedef struct {
  char file[4096];
  const char *mime; /* static */
  bool immutable;   /* hashed asset under /assets/: cache for a year */
} http_static_file_t;

/* root is the static directory; path the decoded request path. */
http_static_result_t http_static_resolve(const char *root, pp_bytes_t path,
                                         http_static_file_t *out);
/* MIME type for a file name by extension ("application/octet-stream"). */
const char *http_static_mime(pp_bytes_t name);

#endif
