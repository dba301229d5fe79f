#define _POSIX_C_SOURCE 200809L
#include "app.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "auth/limits.h"
#include "collab/recovery.h"
#include "collab/rooms.h"
#include "collab/sessions.h"
#include "http/realtime.h"
#include "http/server.h"
#include "sio/conformance.h"
#include "sio/eio_server.h"
#include "sio/room_events.h"
#include "sio/sio_server.h"
#include "store/store.h"
#include "util/error.h"
#include "util/log.h"

typedef struct {
  uv_loop_t loop;
  uv_signal_t sigint, sigterm;
  uv_timer_t sweep;
  collab_sessions_t *sessions;
  http_server_t *http;
  eio_server_t *eio_engine; /* conformance: bare Engine.IO echo */
  eio_server_t *eio_socket; /* Socket.IO's Engine.IO */
  sio_server_t *sio;
  collab_rooms_t *rooms;
  int signal_seen;
} app_t;

/* The reference configuration of the official compliance suites. */
static const eio_config_t conformance_eio = {
    .ping_interval_ms = 300,
    .ping_timeout_ms = 200,
    .max_payload = 1000000,
    .max_outbound = 4u * 1024u * 1024u,
    .max_sockets = 10000,
    .max_packets_per_post = 256,
};
static const sio_config_t conformance_sio = {.connect_timeout_ms = 1000,
                                             .max_json_depth = 32};

/* Pairpad's own realtime configuration. */
static const eio_config_t pairpad_eio = {
    .ping_interval_ms = 25000,
    .ping_timeout_ms = 20000,
    .max_payload = 1000000,
    .max_outbound = 16u * 1024u * 1024u, /* a join of a full 8 MiB document */
    .max_sockets = 20000,
    .max_packets_per_post = 256,
};
static const sio_config_t pairpad_sio = {.connect_timeout_ms = 10000,
                                         .max_json_depth = 16};
static const collab_rooms_config_t pairpad_rooms = {
    .max_members = 32,
    .awareness_window_ms = 33,
    .runs = {.rate = 30,
             .burst = 60,
             .max_relay_bytes = 1024 * 1024,
             .max_stored_bytes = 64 * 1024,
             .max_event_bytes = 64 * 1024},
    .max_update_bytes = 512 * 1024,
    .max_doc_bytes = 8 * 1024 * 1024,
    .update_rate = 100,
    .update_burst = 400,
    .snapshot_every_updates = 500,
    .snapshot_every_bytes = 512 * 1024,
    .yupdate = {.max_clients = 256,
                .max_structs = 100000,
                .max_delete_ranges = 100000},
};

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
  if (app->eio_engine)
    eio_server_close_all(app->eio_engine);
  if (app->eio_socket)
    eio_server_close_all(app->eio_socket);
  http_server_free(app->http);
  app->http = NULL;
}

/* Creates the Engine.IO/Socket.IO servers and mounts them on http. */
static int app__realtime(app_t *app, const pp_config_t *cfg,
                         http_server_t *http) {
  if (!cfg->socketio_conformance) {
    size_t n;
    const sio_namespace_t *nsps = sio_room_namespaces(&n);
    app->sio = sio_server_new(&app->loop, &pairpad_sio, nsps, n, app->rooms);
    app->eio_socket =
        app->sio
            ? eio_server_new(&app->loop, &pairpad_eio, http_eio_transport(),
                             sio_server_eio_handlers(), app->sio)
            : NULL;
    if (!app->eio_socket)
      return PP_ENOMEM;
    return http_server_mount_eio(http, "socket.io", app->eio_socket, false,
                                 pairpad_eio.max_payload);
  }
  size_t n;
  const sio_namespace_t *nsps = sio_conformance_namespaces(&n);
  app->sio = sio_server_new(&app->loop, &conformance_sio, nsps, n, NULL);
  app->eio_engine =
      eio_server_new(&app->loop, &conformance_eio, http_eio_transport(),
                     sio_conformance_eio_echo(), NULL);
  app->eio_socket =
      app->sio
          ? eio_server_new(&app->loop, &conformance_eio, http_eio_transport(),
                           sio_server_eio_handlers(), app->sio)
          : NULL;
  if (!app->eio_engine || !app->eio_socket)
    return PP_ENOMEM;
  http_server_mount_eio(http, "engine.io", app->eio_engine, true,
                        conformance_eio.max_payload);
  http_server_mount_eio(http, "socket.io", app->eio_socket, true,
                        conformance_eio.max_payload);
  pp_log(PP_LOG_INFO,
         "socket.io conformance mode: /engine.io/ echo and /socket.io/ "
         "reference server",
         NULL);
  return 0;
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
  size_t repaired = 0;
  if ((rc = collab_recover_codes(store, &repaired))) {
    fprintf(stderr, "pairpad: cannot repair session code after a crash: %s\n",
            pp_strerror(rc));
    goto out;
  }
  if (repaired)
    pp_logf(PP_LOG_WARN, "recovered after an unclean stop",
            " sessions_with_code_rebuilt=%zu", repaired);
  app.sessions = collab_sessions_new(&app.loop, store);
  limits = auth_limits_new(cfg->rate_limits);
  if (!app.sessions || !limits) {
    fprintf(stderr, "pairpad: out of memory\n");
    goto out;
  }
  app.rooms = collab_rooms_new(&app.loop, &pairpad_rooms, app.sessions, store,
                               limits, sio_room_transport());
  if (!app.rooms) {
    fprintf(stderr, "pairpad: out of memory\n");
    goto out;
  }
  http_deps_t deps = {cfg, app.sessions, limits, app.rooms};
  if ((rc = http_server_start(&app.loop, &deps, &http, err, sizeof err))) {
    fprintf(stderr, "pairpad: %s\n", err);
    goto out;
  }
  if (app__realtime(&app, cfg, http)) {
    fprintf(stderr, "pairpad: cannot start the realtime servers\n");
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
  const char *shown =
      strcmp(cfg->host, "0.0.0.0") == 0 || strcmp(cfg->host, "127.0.0.1") == 0
          ? "localhost"
          : cfg->host;
  printf("Pairpad listening on http://%s:%d\n", shown, port);
  int runner_port = http_server_runner_port(http);
  if (runner_port) {
    pp_logf(PP_LOG_INFO, "runner origin started", " port=%d dir=%s",
            runner_port, cfg->runner_dir);
    printf("Code runner origin on http://%s:%d\n", shown, runner_port);
  }
  fflush(stdout);

  app.http = http;
  http = NULL;
  uv_run(&app.loop, UV_RUN_DEFAULT);
  code = 0;

out:
  /* Closing lws and letting in-flight database work finish needs the loop. */
  http_server_free(http);
  uv_run(&app.loop, UV_RUN_DEFAULT);
  eio_server_free(app.eio_engine);
  eio_server_free(app.eio_socket);
  collab_rooms_free(app.rooms);
  uv_run(&app.loop, UV_RUN_DEFAULT); /* socket and room timers close */
  if (uv_loop_close(&app.loop) != 0)
    pp_log(PP_LOG_WARN, "event loop closed with handles still open", NULL);
  sio_server_free(app.sio);
  collab_sessions_free(app.sessions);
  auth_limits_free(limits);
  store_free(store);
  if (code == 0)
    pp_log(PP_LOG_INFO, "stopped", NULL);
  return code;
}
