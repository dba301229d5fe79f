/* The HTTP listener(s): libwebsockets on the shared libuv loop. */
#ifndef PP_HTTP_SERVER_H
#define PP_HTTP_SERVER_H

#include <stddef.h>
#include <uv.h>

#include "auth/limits.h"
#include "collab/rooms.h"
#include "collab/sessions.h"
#include "util/config.h"

typedef struct http_server http_server_t;

typedef struct {
  const pp_config_t *cfg;      /* borrowed */
  collab_sessions_t *sessions; /* borrowed */
  auth_limits_t *limits;       /* borrowed */
  collab_rooms_t *rooms;       /* borrowed: live rooms to tell about REST
                                  changes */
} http_deps_t;

/* Creates the lws context on loop and starts listening. Returns 0 and an owned
 * *out, or a PP_E* code with a message in err. */
int http_server_start(uv_loop_t *loop, const http_deps_t *deps,
                      http_server_t **out, char *err, size_t errsz);
/* The bound app port (useful with --port 0). */
int http_server_port(const http_server_t *srv);
/* The bound runner-origin port, 0 when the runner origin is off. */
int http_server_runner_port(const http_server_t *srv);
/* Closes listeners and connections. The loop must then run until lws has
 * closed its handles; requests still in flight are freed when they finish. */
void http_server_free(http_server_t *srv);

#endif
