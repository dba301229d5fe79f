#include "sio/conformance.h"

#include <string.h>

static void conf__echo(void *app, eio_socket_t *s, pp_bytes_t data,
                       bool binary) {
  (void)app;
  eio_socket_send(s, data, binary);
}

static const eio_handlers_t echo_handlers = {NULL, conf__echo, NULL};

const eio_handlers_t *sio_conformance_eio_echo(void) { return &echo_handlers; }

static bool conf__connect(void *app, sio_socket_t *sock, const json_t *auth,
                          json_t **error_data) {
  (void)app;
  (void)sock;
  (void)auth;
  (void)error_data;
  return true;
}

static void conf__ready(void *app, sio_socket_t *sock, const json_t *auth) {
  (void)app;
  json_t *args = json_array();
  json_array_append_new(args, json_deep_copy(auth));
  sio_emit(sock, "auth", args, NULL, 0);
}

static void conf__event(void *app, sio_socket_t *sock, const sio_event_t *ev) {
  (void)app;
  if (strcmp(ev->name, "message") == 0)
    sio_emit(sock, "message-back", json_deep_copy(ev->args), ev->att,
             ev->n_att);
  else if (strcmp(ev->name, "message-with-ack") == 0 && ev->ack_id >= 0)
    sio_ack(sock, ev->ack_id, json_deep_copy(ev->args), ev->att, ev->n_att);
}

static const sio_namespace_t namespaces[] = {
    {"/", conf__connect, conf__ready, conf__event, NULL},
    {"/custom", conf__connect, conf__ready, conf__event, NULL},
};

const sio_namespace_t *sio_conformance_namespaces(size_t *count) {
  *count = sizeof namespaces / sizeof namespaces[0];
  return namespaces;
}
