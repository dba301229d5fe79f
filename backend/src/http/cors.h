/* Cross-origin policy: same-origin unless the origin is on the allow-list. */
#ifndef PP_HTTP_CORS_H
#define PP_HTTP_CORS_H

#include <stdbool.h>

#include "util/bytes.h"

typedef struct http_cors http_cors_t;

/* list: comma-separated origins ("https://a.example, http://b:8080"); "" or
 * NULL allows none. Returns owned or NULL on allocation failure. */
http_cors_t *http_cors_new(const char *list);
void http_cors_free(http_cors_t *c);
bool http_cors_allowed(const http_cors_t *c, pp_bytes_t origin);
/* True when origin is exactly http://<host> or https://<host>. */
bool http_cors_same_origin(pp_bytes_t origin, pp_bytes_t host);

#endif
