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
/* True when the Accept-Encoding value accepts coding ("br", "gzip"): listed
 * (or "*") and not with q=0. Bounded, case-insensitive. */
bool http_accepts_encoding(pp_bytes_t accept, const char *coding);
/* When the client accepts it and a precompressed sibling (file.br, then
 * file.gz) exists, writes its path to out and returns the Content-Encoding
 * ("br" or "gzip"); else returns NULL. */
const char *http_static_precompressed(const http_static_file_t *f,
                                      pp_bytes_t accept, char *out,
                                      size_t outsz);
/* MIME type for a file name by extension ("application/octet-stream"). */
const char *http_static_mime(pp_bytes_t name);

#endif
