#define _POSIX_C_SOURCE 200809L
#include "app.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "auth/limits.h"
#include "collab/sessions.h"
#include "http/server.h"
#include "store/store.h"
#include "util/error.h"
#include "util/log.h"

typedef struct {
  uv_loop_t loop;
  uv_signal_t sigint, sigterm;
  uv_timer_t sweep;
  collab_sessions_t *sessions;
  http_server_t *http;
  int signal_seen;
} app_t;

static void app__close_cb(uv_handle_t *h) { (void)h; }

/* Shutdown happens inside the running loop: lws closes its libuv handles
 * asynchronously and frees its context only once they are closed, so the
 * loop must keep turning until every handle is gone; uv_run then returns. */
static void app__on_signal(uv_signal_t *h, int signum) {
  app_t *app = h->data;
  if (app->signal_seen)
    return;
  app->signal_seen = signum;
  pp_logf(PP_LOG_INFO, "shutting down", " signal=%d", signum);
  uv_close((uv_handle_t *)&app->sigint, app__close_cb);
  uv_close((uv_handle_t *)&app->sigterm, app__close_cb);
  uv_close((uv_handle_t *)&app->sweep, app__close_cb);
  http_server_free(app->http);
  app->http = NULL;
}

static void app__on_sweep(uv_timer_t *t) {
  app_t *app = t->data;
  collab_sessions_sweep(app->sessions);
}

static int app__unsupported(const pp_config_t *cfg) {
  if (cfg->redis_url && *cfg->redis_url) {
    fprintf(stderr, "pairpad: --redis-url: multi-node mode (the Redis bus) "
                    "is not part of this build yet; run without it\n");
    return 2;
  }
  if (cfg->socketio_conformance) {
    fprintf(stderr, "pairpad: --socketio-conformance: the Socket.IO "
                    "transport is not part of this build yet\n");
    return 2;
  }
  return 0;
}

int pp_app_run(const pp_config_t *cfg) {
  int code = app__unsupported(cfg);
  if (code)
    return code;
  if (sodium_init() < 0) {
    fprintf(stderr, "pairpad: libsodium failed to initialise\n");
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);

  app_t app;
  memset(&app, 0, sizeof app);
  char err[512] = "";
  store_t *store = NULL;
  auth_limits_t *limits = NULL;
  http_server_t *http = NULL;
  code = 1;

  if (uv_loop_init(&app.loop) != 0) {
    fprintf(stderr, "pairpad: cannot create the event loop\n");
    return 1;
  }
  int rc =
      store_open(cfg->database_url, cfg->db_pool_size, &store, err, sizeof err);
  if (rc) {
    fprintf(stderr, "pairpad: database %s: %s\n", cfg->database_url, err);
    goto out;
  }
  app.sessions = collab_sessions_new(&app.loop, store);
  limits = auth_limits_new(cfg->rate_limits);
  if (!app.sessions || !limits) {
    fprintf(stderr, "pairpad: out of memory\n");
    goto out;
  }
  http_deps_t deps = {cfg, app.sessions, limits};
  if ((rc = http_server_start(&app.loop, &deps, &http, err, sizeof err))) {
    fprintf(stderr, "pairpad: %s\n", err);
    goto out;
  }

  uv_signal_init(&app.loop, &app.sigint);
  uv_signal_init(&app.loop, &app.sigterm);
  app.sigint.data = app.sigterm.data = &app;
  uv_signal_start(&app.sigint, app__on_signal, SIGINT);
  uv_signal_start(&app.sigterm, app__on_signal, SIGTERM);
  uv_timer_init(&app.loop, &app.sweep);
  app.sweep.data = &app;
  uint64_t every = (uint64_t)cfg->sweep_interval_s * 1000;
  uv_timer_start(&app.sweep, app__on_sweep, every, every);

  int port = http_server_port(http);
  pp_logf(PP_LOG_INFO, "started", " database=%s pool=%d rate_limits=%s port=%d",
          store_backend_name(store), cfg->db_pool_size,
          cfg->rate_limits ? "on" : "off", port);
  if (cfg->runner_port)
    pp_log(PP_LOG_INFO,
           "runner origin not served: the in-browser runner is not part of "
           "this build yet",
           NULL);
  printf("Pairpad listening on http://%s:%d\n",
         strcmp(cfg->host, "0.0.0.0") == 0 ||
                 strcmp(cfg->host, "127.0.0.1") == 0
             ? "localhost"
             : cfg->host,
         port);
  fflush(stdout);

  app.http = http;
  http = NULL;
  uv_run(&app.loop, UV_RUN_DEFAULT);
  code = 0;

out:
  /* Closing lws and letting in-flight database work finish needs the loop. */
  http_server_free(http);
  uv_run(&app.loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&app.loop) != 0)
    pp_log(PP_LOG_WARN, "event loop closed with handles still open", NULL);
  collab_sessions_free(app.sessions);
  auth_limits_free(limits);
  store_free(store);
  if (code == 0)
    pp_log(PP_LOG_INFO, "stopped", NULL);
  return code;
}
