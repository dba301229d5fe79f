/* Transport floor for the collaboration benchmark (bench/collab/run.mjs):
 * the cheapest server that still speaks exactly the wire contract the
 * benchmark's PairpadClient (bench/collab/clients.mjs) uses, so that the
 * benchmark measures what the bare socket work costs per delivered update on
 * this machine (loopback TCP receive, two sends, epoll wake-ups), with no
 * Yjs, no storage and no parsing libraries. A measurement tool, not a
 * product.
 *
 * It understands only
 *   GET /socket.io/?EIO=4&transport=websocket   WebSocket upgrade (RFC 6455)
 *   Engine.IO v4: open "0{...}", ping "2" (sent), pong "3", close "1",
 *                 message "4" (binary messages are raw binary frames)
 *   Socket.IO v5: CONNECT "40" -> 40{"sid":"..."}, DISCONNECT "41", and
 *     451-<id>["join",{..."session_id":"<s>"...}] + 1 attachment
 *       -> 462-<id>[{"ok":true,"update":<#0>,"state_vector":<#1>}]
 *          + #0 = 00 00 (the empty Yjs update), #1 = 00 (empty state vector)
 *     451-[<id>]["code_change",{"_placeholder":true,"num":0}] + 1 attachment
 *       -> 451-["code_change",<#0>] + the same bytes to every other member
 *          of session <s>, and 43<id>[{"ok":true}] to the sender.
 * Anything else closes that connection. HTTP, WebSocket and JSON are parsed
 * by hand on purpose (STYLE.md rule 7 does not apply: the libraries are what
 * this floor leaves out), and only as far as the contract needs.
 *
 * Single thread, level-triggered epoll. One turn reads every ready socket
 * once, queues all output in per-connection buffers, then writes every
 * touched connection with one send(); EPOLLOUT is armed (and reading that
 * connection paused) only while the kernel refuses bytes.
 *
 *   floor-server <port> [--verbose]     port 0: an ephemeral port
 * Prints "floor listening on 127.0.0.1:<port>" once listening. SIGTERM or
 * SIGINT: exits 0. --verbose: logs why each connection closed (stderr). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Limits (every buffer has a maximum, tighter before a join). */
#define FLOOR_HANDSHAKE_MAX 8192 /* the HTTP upgrade request */
#define FLOOR_FRAME_MAX_UNJOINED 16384
#define FLOOR_FRAME_MAX (1u << 20) /* announced maxPayload is 1000000 */
#define FLOOR_OUT_MAX_UNJOINED (64u << 10)
#define FLOOR_OUT_MAX (8u << 20)   /* a member that stops reading is dropped */
#define FLOOR_KEEP_MAX (64u << 10) /* larger idle buffers are freed */
#define FLOOR_SESSION_ID_MAX 128
#define FLOOR_ACK_ID_MAX 15 /* digits */
#define FLOOR_CONNS_MAX 65536
#define FLOOR_WS_HEADER_MAX 14
#define FLOOR_SCRATCH (64u << 10)
#define FLOOR_EVENTS 256
#define FLOOR_ACCEPTS_PER_TURN 64
#define FLOOR_PING_INTERVAL_MS 25000
#define FLOOR_PING_TIMEOUT_MS 20000

/* Why a connection was closed: functions return 0 or -FLOOR_E*. */
#define FLOOR_ERRORS(X)                                                        \
  X(EOF, "peer closed the connection")                                         \
  X(IO, "socket error")                                                        \
  X(NOMEM, "out of memory")                                                    \
  X(HANDSHAKE, "not a Socket.IO WebSocket upgrade request")                    \
  X(TOOLARGE, "request or frame over the limit")                               \
  X(FRAME, "malformed or unsupported WebSocket frame")                         \
  X(PACKET, "unexpected Engine.IO/Socket.IO packet")                           \
  X(SLOW, "peer does not read its output (buffer full)")                       \
  X(TIMEOUT, "no handshake or pong in time")                                   \
  X(BYE, "peer said goodbye (close frame, EIO close or SIO disconnect)")       \
  X(SHUTDOWN, "server shutting down")

enum {
  FLOOR_OK = 0,
#define FLOOR_X(name, text) FLOOR_E##name,
  FLOOR_ERRORS(FLOOR_X)
#undef FLOOR_X
};

static const char *floor_strerror(int err) {
  static const char *const text[] = {"ok",
#define FLOOR_X(name, t) t,
                                     FLOOR_ERRORS(FLOOR_X)
#undef FLOOR_X
  };
  size_t i = err < 0 ? (size_t)-err : (size_t)err;
  return i < sizeof text / sizeof text[0] ? text[i] : "unknown error";
}

/* Bytes are {ptr, len}. */
typedef struct {
  const uint8_t *ptr; /* borrowed */
  size_t len;
} floor_bytes_t;

#define FLOOR_LIT(s) ((floor_bytes_t){(const uint8_t *)(s), sizeof(s) - 1})

typedef struct {
  uint8_t *ptr; /* owned */
  size_t len;
  size_t cap;
} floor_buf_t;

typedef enum {
  FLOOR_ST_HTTP,          /* waiting for the upgrade request */
  FLOOR_ST_EIO_OPEN,      /* Engine.IO open sent; waiting for "40" */
  FLOOR_ST_CONNECTED,     /* namespace "/" connected; in no session */
  FLOOR_ST_JOIN_ATTACH,   /* "join" header read; waiting for its attachment */
  FLOOR_ST_JOINED,        /* member of a room */
  FLOOR_ST_UPDATE_ATTACH, /* "code_change" header read; waiting for bytes */
  FLOOR_ST_CLOSED         /* out of its room; freed at the end of the turn */
} floor_state_t;

static const char *const floor_state_names[] = {
    "http",   "eio_open",      "connected", "join_attach",
    "joined", "update_attach", "closed"};

struct floor_room;

typedef struct floor_conn {
  int fd;
  floor_state_t state;
  bool dirty;         /* in this turn's flush list */
  bool want_out;      /* EPOLLOUT armed (and EPOLLIN off): kernel refused */
  bool out_ready;     /* EPOLLOUT fired this turn */
  bool linger;        /* CLOSED, but send the queued output before close() */
  bool awaiting_pong; /* a ping went out and no pong came back yet */
  uint64_t born_ms;
  uint64_t id;
  floor_buf_t in;  /* a partial request/frame carried over to the next read */
  floor_buf_t out; /* queued output, sent at the end of the turn */
  struct floor_room *room; /* borrowed; NULL unless JOINED/UPDATE_ATTACH */
  uint32_t member_idx;     /* index in room->members */
  struct floor_conn *prev, *next; /* every connection */
  struct floor_conn *next_dead;   /* CLOSED, to free at the end of the turn */
  uint8_t ack_len;                /* the pending event's ack id digits */
  char ack[FLOOR_ACK_ID_MAX];
  uint8_t sid_len; /* the pending join's session id */
  char sid[FLOOR_SESSION_ID_MAX];
} floor_conn_t;

typedef struct floor_room {
  struct floor_room *next; /* hash chain */
  uint64_t hash;
  floor_conn_t **members; /* owned array of borrowed connections */
  uint32_t n;
  uint32_t cap;
  size_t key_len;
  char key[]; /* the session id, not NUL-terminated */
} floor_room_t;

typedef struct {
  int epfd;
  int lfd;
  int sfd;
  int reserve_fd; /* spare fd, given up to shed a connection on EMFILE */
  bool running;
  bool verbose;
  floor_conn_t *conns; /* owned list */
  size_t nconns;
  floor_conn_t **dirty; /* owned array, capacity >= nconns */
  size_t ndirty;
  size_t dirty_cap;
  floor_conn_t *dead;
  floor_room_t **buckets; /* owned */
  size_t nbuckets;
  size_t nrooms;
  uint8_t *scratch; /* owned; receive buffer when no partial frame is kept */
  uint64_t next_ping_ms;
  uint64_t pong_deadline_ms; /* 0: none pending */
  uint64_t next_id;
  uint8_t relay_head[2 + 64]; /* the text frame 451-["code_change",<#0>] */
  size_t relay_head_len;
} floor_server_t;

/* Tags of the two non-connection epoll registrations. */
static char floor_listen_tag;
static char floor_signal_tag;

enum {
  FLOOR_WS_TEXT = 0x1,
  FLOOR_WS_BINARY = 0x2,
  FLOOR_WS_CLOSE = 0x8,
  FLOOR_WS_PING = 0x9,
  FLOOR_WS_PONG = 0xa
};

static const char FLOOR_WS_GUID[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
#define FLOOR_WS_ACCEPT_LEN 28 /* base64 of a 20-byte SHA-1 */
static const char FLOOR_RELAY_TEXT[] =
    "451-[\"code_change\",{\"_placeholder\":true,\"num\":0}]";
_Static_assert(sizeof FLOOR_RELAY_TEXT - 1 <= 64, "relay_head is too small");
static const char FLOOR_UPDATE_ARG[] = "{\"_placeholder\":true,\"num\":0}]";
static const char FLOOR_JOIN_ACK_TAIL[] =
    "[{\"ok\":true,\"update\":{\"_placeholder\":true,\"num\":0},"
    "\"state_vector\":{\"_placeholder\":true,\"num\":1}}]";
static const uint8_t FLOOR_EMPTY_UPDATE[] = {0, 0};
static const uint8_t FLOOR_EMPTY_STATE_VECTOR[] = {0};

static uint64_t floor_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- buffers ---------------------------------------------------------- */

/* Makes b->cap >= total. Returns 0, -FLOOR_ETOOLARGE (total > max) or
 * -FLOOR_ENOMEM; b is unchanged on error. */
static int floor_buf_reserve(floor_buf_t *b, size_t total, size_t max) {
  if (total <= b->cap)
    return 0;
  if (total > max)
    return -FLOOR_ETOOLARGE;
  size_t cap = b->cap ? b->cap * 2 : 1024;
  if (cap < total)
    cap = total;
  if (cap > max)
    cap = max;
  uint8_t *p = realloc(b->ptr, cap);
  if (!p)
    return -FLOOR_ENOMEM;
  b->ptr = p;
  b->cap = cap;
  return 0;
}

static void floor_buf_free(floor_buf_t *b) {
  free(b->ptr);
  *b = (floor_buf_t){0};
}

/* An empty buffer gives its memory back if it grew large (keep = 0: in
 * any case). */
static void floor_buf_trim(floor_buf_t *b, size_t keep) {
  if (b->len == 0 && b->cap > keep)
    floor_buf_free(b);
}

/* ---- connection state ------------------------------------------------- */

static bool floor_transition_ok(floor_state_t from, floor_state_t to) {
  switch (to) {
  case FLOOR_ST_EIO_OPEN:
    return from == FLOOR_ST_HTTP;
  case FLOOR_ST_CONNECTED:
    return from == FLOOR_ST_EIO_OPEN;
  case FLOOR_ST_JOIN_ATTACH:
    return from == FLOOR_ST_CONNECTED;
  case FLOOR_ST_JOINED:
    return from == FLOOR_ST_JOIN_ATTACH || from == FLOOR_ST_UPDATE_ATTACH;
  case FLOOR_ST_UPDATE_ATTACH:
    return from == FLOOR_ST_JOINED;
  case FLOOR_ST_CLOSED:
    return from != FLOOR_ST_CLOSED;
  case FLOOR_ST_HTTP:
    break;
  }
  return false;
}

/* Every state change goes through here; an illegal one is a bug. */
static void floor_set_state(floor_conn_t *c, floor_state_t to) {
  if (!floor_transition_ok(c->state, to)) {
    fprintf(stderr, "floor: bug: connection state %s -> %s\n",
            floor_state_names[c->state], floor_state_names[to]);
    abort();
  }
  c->state = to;
}

static size_t floor_frame_max(const floor_conn_t *c) {
  return c->room ? FLOOR_FRAME_MAX : FLOOR_FRAME_MAX_UNJOINED;
}

static size_t floor_out_max(const floor_conn_t *c) {
  return c->room ? FLOOR_OUT_MAX : FLOOR_OUT_MAX_UNJOINED;
}

/* ---- rooms: session id -> members ------------------------------------- */

static uint64_t floor_hash(const char *p, size_t n) {
  uint64_t h = 14695981039346656037u; /* FNV-1a */
  for (size_t i = 0; i < n; i++)
    h = (h ^ (uint8_t)p[i]) * 1099511628211u;
  return h;
}

static int floor_rooms_grow(floor_server_t *s) {
  size_t nb = s->nbuckets * 2;
  floor_room_t **b = calloc(nb, sizeof *b);
  if (!b)
    return -FLOOR_ENOMEM;
  for (size_t i = 0; i < s->nbuckets; i++) {
    for (floor_room_t *r = s->buckets[i], *next; r; r = next) {
      next = r->next;
      r->next = b[r->hash & (nb - 1)];
      b[r->hash & (nb - 1)] = r;
    }
  }
  free(s->buckets);
  s->buckets = b;
  s->nbuckets = nb;
  return 0;
}

static void floor_room_free(floor_server_t *s, floor_room_t *r) {
  floor_room_t **pp = &s->buckets[r->hash & (s->nbuckets - 1)];
  while (*pp != r)
    pp = &(*pp)->next;
  *pp = r->next;
  s->nrooms--;
  free(r->members);
  free(r);
}

/* Adds c to the room of session c->sid (created on first join). */
static int floor_room_join(floor_server_t *s, floor_conn_t *c) {
  uint64_t h = floor_hash(c->sid, c->sid_len);
  floor_room_t *r = s->buckets[h & (s->nbuckets - 1)];
  while (r && !(r->hash == h && r->key_len == c->sid_len &&
                memcmp(r->key, c->sid, c->sid_len) == 0))
    r = r->next;
  if (!r) {
    if (s->nrooms >= s->nbuckets && floor_rooms_grow(s))
      return -FLOOR_ENOMEM;
    r = calloc(1, sizeof *r + c->sid_len);
    if (!r)
      return -FLOOR_ENOMEM;
    r->hash = h;
    r->key_len = c->sid_len;
    memcpy(r->key, c->sid, c->sid_len);
    r->next = s->buckets[h & (s->nbuckets - 1)];
    s->buckets[h & (s->nbuckets - 1)] = r;
    s->nrooms++;
  }
  if (r->n == r->cap) {
    uint32_t cap = r->cap ? r->cap * 2 : 4;
    floor_conn_t **m = realloc(r->members, cap * sizeof *m);
    if (!m) {
      if (r->n == 0)
        floor_room_free(s, r); /* just created: nobody else holds it */
      return -FLOOR_ENOMEM;
    }
    r->members = m;
    r->cap = cap;
  }
  c->room = r;
  c->member_idx = r->n;
  r->members[r->n++] = c;
  return 0;
}

/* Removes c from its room (swapping the last member into its slot); frees
 * the room when it empties. */
static void floor_room_leave(floor_server_t *s, floor_conn_t *c) {
  floor_room_t *r = c->room;
  if (!r)
    return;
  floor_conn_t *last = r->members[--r->n];
  r->members[c->member_idx] = last;
  last->member_idx = c->member_idx;
  c->room = NULL;
  if (r->n == 0)
    floor_room_free(s, r);
}

/* ---- output ----------------------------------------------------------- */

/* Adds c to this turn's flush list (capacity reserved at accept). */
static void floor_touch(floor_server_t *s, floor_conn_t *c) {
  if (!c->dirty) {
    c->dirty = true;
    s->dirty[s->ndirty++] = c;
  }
}

static size_t floor_ws_header(uint8_t *h, uint8_t opcode, size_t n) {
  h[0] = (uint8_t)(0x80 | opcode); /* FIN, unmasked (server to client) */
  if (n < 126) {
    h[1] = (uint8_t)n;
    return 2;
  }
  if (n <= 0xffff) {
    h[1] = 126;
    h[2] = (uint8_t)(n >> 8);
    h[3] = (uint8_t)n;
    return 4;
  }
  h[1] = 127;
  for (int i = 0; i < 8; i++)
    h[2 + i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
  return 10;
}

/* Queues raw bytes for c. */
static int floor_queue(floor_server_t *s, floor_conn_t *c, floor_bytes_t b) {
  int err = floor_buf_reserve(&c->out, c->out.len + b.len, floor_out_max(c));
  if (err)
    return err == -FLOOR_ETOOLARGE ? -FLOOR_ESLOW : err;
  memcpy(c->out.ptr + c->out.len, b.ptr, b.len);
  c->out.len += b.len;
  floor_touch(s, c);
  return 0;
}

/* Queues one frame whose payload is the concatenation of parts[0..n). */
static int floor_queue_frame(floor_server_t *s, floor_conn_t *c, uint8_t opcode,
                             const floor_bytes_t *parts, size_t n) {
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    len += parts[i].len;
  int err = floor_buf_reserve(&c->out, c->out.len + FLOOR_WS_HEADER_MAX + len,
                              floor_out_max(c));
  if (err)
    return err == -FLOOR_ETOOLARGE ? -FLOOR_ESLOW : err;
  c->out.len += floor_ws_header(c->out.ptr + c->out.len, opcode, len);
  for (size_t i = 0; i < n; i++) {
    if (parts[i].len)
      memcpy(c->out.ptr + c->out.len, parts[i].ptr, parts[i].len);
    c->out.len += parts[i].len;
  }
  floor_touch(s, c);
  return 0;
}

static void floor_kill(floor_server_t *s, floor_conn_t *c, int err,
                       bool linger);

/* Relays one update to every member of c's room but c. */
static void floor_relay(floor_server_t *s, floor_conn_t *c, floor_bytes_t u) {
  floor_room_t *r = c->room;
  floor_bytes_t head = {s->relay_head, s->relay_head_len};
  /* Backwards: a member dropped here is swapped with the last one, which
   * this loop has already visited. */
  for (uint32_t i = r->n; i-- > 0;) {
    floor_conn_t *m = r->members[i];
    if (m == c)
      continue;
    int err = floor_queue(s, m, head);
    if (!err)
      err = floor_queue_frame(s, m, FLOOR_WS_BINARY, &u, 1);
    if (err)
      floor_kill(s, m, err, false);
  }
}

/* ---- closing ---------------------------------------------------------- */

/* Takes c out of its room and out of service; its memory and fd go at the
 * end of the turn (later events of this turn may still name it). With
 * linger, the queued output (a 400, a close echo) is sent first. */
static void floor_kill(floor_server_t *s, floor_conn_t *c, int err,
                       bool linger) {
  if (c->state == FLOOR_ST_CLOSED)
    return;
  if (s->verbose)
    fprintf(stderr, "floor: connection %" PRIu64 " (%s): %s\n", c->id,
            floor_state_names[c->state], floor_strerror(err));
  floor_room_leave(s, c);
  floor_set_state(c, FLOOR_ST_CLOSED);
  c->linger = linger;
  c->next_dead = s->dead;
  s->dead = c;
}

static void floor_reap(floor_server_t *s) {
  while (s->dead) {
    floor_conn_t *c = s->dead;
    s->dead = c->next_dead;
    if (c->prev)
      c->prev->next = c->next;
    else
      s->conns = c->next;
    if (c->next)
      c->next->prev = c->prev;
    close(c->fd); /* also leaves the epoll set */
    floor_buf_free(&c->in);
    floor_buf_free(&c->out);
    free(c);
    s->nconns--;
  }
}

/* ---- the WebSocket upgrade -------------------------------------------- */

static bool floor_ieq(floor_bytes_t a, const char *lit) {
  size_t n = strlen(lit);
  return a.len == n && strncasecmp((const char *)a.ptr, lit, n) == 0;
}

static bool floor_icontains(floor_bytes_t a, const char *lit) {
  size_t n = strlen(lit);
  for (size_t i = 0; n <= a.len && i <= a.len - n; i++)
    if (strncasecmp((const char *)a.ptr + i, lit, n) == 0)
      return true;
  return false;
}

/* Does the query string q hold the parameter p ("name=value") exactly? */
static bool floor_has_param(floor_bytes_t q, const char *p) {
  const uint8_t *end = q.ptr + q.len;
  for (const uint8_t *at = q.ptr; at < end;) {
    const uint8_t *amp = memchr(at, '&', (size_t)(end - at));
    const uint8_t *stop = amp ? amp : end;
    if ((size_t)(stop - at) == strlen(p) && memcmp(at, p, strlen(p)) == 0)
      return true;
    at = stop + 1;
  }
  return false;
}

static floor_bytes_t floor_trim(const uint8_t *p, const uint8_t *end) {
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  return (floor_bytes_t){p, (size_t)(end - p)};
}

/* Checks the request in req (head up to, excluding, the blank line) and
 * returns the Sec-WebSocket-Key in *key, or -FLOOR_EHANDSHAKE. */
static int floor_http_check(floor_bytes_t req, floor_bytes_t *key) {
  static const char prefix[] = "GET /socket.io/?";
  const uint8_t *end = req.ptr + req.len;
  const uint8_t *eol = memmem(req.ptr, req.len, "\r\n", 2);
  if (!eol)
    eol = end;
  if (req.len < sizeof prefix - 1 ||
      memcmp(req.ptr, prefix, sizeof prefix - 1) != 0)
    return -FLOOR_EHANDSHAKE;
  const uint8_t *q = req.ptr + sizeof prefix - 1;
  const uint8_t *sp = memchr(q, ' ', (size_t)(eol - q));
  if (!sp ||
      !floor_ieq((floor_bytes_t){sp + 1, (size_t)(eol - sp - 1)}, "HTTP/1.1"))
    return -FLOOR_EHANDSHAKE;
  floor_bytes_t query = {q, (size_t)(sp - q)};
  if (!floor_has_param(query, "EIO=4") ||
      !floor_has_param(query, "transport=websocket"))
    return -FLOOR_EHANDSHAKE;
  bool upgrade = false, connection = false, version = false;
  *key = (floor_bytes_t){0};
  for (const uint8_t *line = eol + 2; line < end;) {
    const uint8_t *next = memmem(line, (size_t)(end - line), "\r\n", 2);
    const uint8_t *stop = next ? next : end;
    const uint8_t *colon = memchr(line, ':', (size_t)(stop - line));
    if (!colon)
      return -FLOOR_EHANDSHAKE;
    floor_bytes_t name = {line, (size_t)(colon - line)};
    floor_bytes_t value = floor_trim(colon + 1, stop);
    if (floor_ieq(name, "upgrade"))
      upgrade = floor_icontains(value, "websocket");
    else if (floor_ieq(name, "connection"))
      connection = floor_icontains(value, "upgrade");
    else if (floor_ieq(name, "sec-websocket-version"))
      version = value.len == 2 && memcmp(value.ptr, "13", 2) == 0;
    else if (floor_ieq(name, "sec-websocket-key"))
      *key = value;
    line = next ? next + 2 : end;
  }
  /* The key is 16 random bytes in base64: 24 characters. */
  if (!upgrade || !connection || !version || key->len != 24)
    return -FLOOR_EHANDSHAKE;
  return 0;
}

/* Sec-WebSocket-Accept for `key` (24 characters): base64(SHA-1(key GUID)).
 * Returns 0, or -1 if libcrypto fails. */
static int floor_ws_accept(floor_bytes_t key,
                           uint8_t accept[FLOOR_WS_ACCEPT_LEN]) {
  uint8_t in[24 + sizeof FLOOR_WS_GUID - 1];
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  unsigned char b64[FLOOR_WS_ACCEPT_LEN + 1]; /* EVP_EncodeBlock adds a NUL */
  if (key.len != 24)
    return -1;
  memcpy(in, key.ptr, 24);
  memcpy(in + 24, FLOOR_WS_GUID, sizeof FLOOR_WS_GUID - 1);
  if (!EVP_Digest(in, sizeof in, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20 ||
      EVP_EncodeBlock(b64, md, 20) != FLOOR_WS_ACCEPT_LEN)
    return -1;
  memcpy(accept, b64, FLOOR_WS_ACCEPT_LEN);
  return 0;
}

static int floor_open_packet(floor_server_t *s, floor_conn_t *c) {
  char open[160];
  int n = snprintf(open, sizeof open,
                   "0{\"sid\":\"floor%015" PRIu64 "\",\"upgrades\":[],"
                   "\"pingInterval\":%d,\"pingTimeout\":%d,"
                   "\"maxPayload\":1000000}",
                   c->id, FLOOR_PING_INTERVAL_MS, FLOOR_PING_TIMEOUT_MS);
  if (n < 0 || (size_t)n >= sizeof open)
    return -FLOOR_ENOMEM;
  floor_bytes_t b = {(const uint8_t *)open, (size_t)n};
  return floor_queue_frame(s, c, FLOOR_WS_TEXT, &b, 1);
}

/* Handles the upgrade request at the start of p[0..len). Returns 0 with
 * *used = 0 when more bytes are needed, 0 with *used = the request length
 * once answered, or an error. A bad request gets a 400 and a lingering
 * close (then returns 0 and c is CLOSED). */
static int floor_http(floor_server_t *s, floor_conn_t *c, const uint8_t *p,
                      size_t len, size_t *used) {
  static const char body[] = "floor: expected a WebSocket upgrade of "
                             "GET /socket.io/?EIO=4&transport=websocket\n";
  *used = 0;
  const uint8_t *blank = memmem(p, len, "\r\n\r\n", 4);
  bool not_get = len >= 4 && memcmp(p, "GET ", 4) != 0;
  if (!blank && !not_get)
    return len >= FLOOR_HANDSHAKE_MAX ? -FLOOR_ETOOLARGE : 0;
  if (blank && (size_t)(blank - p) > FLOOR_HANDSHAKE_MAX)
    return -FLOOR_ETOOLARGE;
  floor_bytes_t key;
  int err =
      not_get ? -FLOOR_EHANDSHAKE
              : floor_http_check((floor_bytes_t){p, (size_t)(blank - p)}, &key);
  if (err) {
    char bad[256];
    int n = snprintf(bad, sizeof bad,
                     "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n"
                     "Content-Type: text/plain\r\nContent-Length: %zu\r\n"
                     "\r\n%s",
                     sizeof body - 1, body);
    int qerr =
        n < 0 || (size_t)n >= sizeof bad
            ? -FLOOR_ENOMEM
            : floor_queue(s, c,
                          (floor_bytes_t){(const uint8_t *)bad, (size_t)n});
    floor_kill(s, c, err, !qerr);
    return 0;
  }
  uint8_t accept[FLOOR_WS_ACCEPT_LEN];
  if (floor_ws_accept(key, accept))
    return -FLOOR_ENOMEM;
  floor_bytes_t response[] = {
      FLOOR_LIT("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Accept: "),
      {accept, sizeof accept},
      FLOOR_LIT("\r\n\r\n"),
  };
  for (size_t i = 0; i < 3; i++)
    if ((err = floor_queue(s, c, response[i])))
      return err;
  if ((err = floor_open_packet(s, c)))
    return err;
  floor_set_state(c, FLOOR_ST_EIO_OPEN);
  *used = (size_t)(blank + 4 - p);
  return 0;
}

/* ---- Socket.IO events ------------------------------------------------- */

/* Reads `451-` [ack digits] from t; returns the offset of the payload's
 * '[' (stores the digits in c->ack) or -FLOOR_EPACKET. */
static int floor_binary_event_head(floor_conn_t *c, floor_bytes_t t,
                                   size_t *body) {
  static const char head[] = "451-";
  if (t.len < sizeof head || memcmp(t.ptr, head, sizeof head - 1) != 0)
    return -FLOOR_EPACKET;
  size_t i = sizeof head - 1;
  size_t digits = 0;
  while (i < t.len && t.ptr[i] >= '0' && t.ptr[i] <= '9') {
    if (++digits > FLOOR_ACK_ID_MAX)
      return -FLOOR_EPACKET;
    i++;
  }
  if (i >= t.len || t.ptr[i] != '[' || t.ptr[t.len - 1] != ']')
    return -FLOOR_EPACKET;
  memcpy(c->ack, t.ptr + sizeof head - 1, digits);
  c->ack_len = (uint8_t)digits;
  *body = i;
  return 0;
}

/* 451-<id>["join",{...,"session_id":"<s>",...}]: remembers <s> and <id>
 * and waits for the state vector attachment. */
static int floor_on_join(floor_conn_t *c, floor_bytes_t t) {
  static const char event[] = "[\"join\",{";
  static const char field[] = "\"session_id\":\"";
  size_t at;
  if (floor_binary_event_head(c, t, &at) || c->ack_len == 0)
    return -FLOOR_EPACKET;
  floor_bytes_t body = {t.ptr + at, t.len - at};
  if (body.len < sizeof event || memcmp(body.ptr, event, sizeof event - 1) != 0)
    return -FLOOR_EPACKET;
  const uint8_t *f = memmem(body.ptr, body.len, field, sizeof field - 1);
  if (!f)
    return -FLOOR_EPACKET;
  const uint8_t *v = f + sizeof field - 1;
  const uint8_t *end = body.ptr + body.len;
  size_t n = 0;
  while (v + n < end && v[n] != '"') {
    /* No escapes, no control characters: never in a session id. */
    if (v[n] == '\\' || v[n] < 0x20 || n == FLOOR_SESSION_ID_MAX)
      return -FLOOR_EPACKET;
    n++;
  }
  if (v + n == end || n == 0)
    return -FLOOR_EPACKET;
  memcpy(c->sid, v, n);
  c->sid_len = (uint8_t)n;
  floor_set_state(c, FLOOR_ST_JOIN_ATTACH);
  return 0;
}

/* 451-[<id>]["code_change",{"_placeholder":true,"num":0}] */
static int floor_on_code_change(floor_conn_t *c, floor_bytes_t t) {
  static const char event[] = "[\"code_change\",";
  size_t at;
  if (floor_binary_event_head(c, t, &at))
    return -FLOOR_EPACKET;
  floor_bytes_t body = {t.ptr + at, t.len - at};
  size_t want = sizeof event - 1 + sizeof FLOOR_UPDATE_ARG - 1;
  if (body.len != want || memcmp(body.ptr, event, sizeof event - 1) != 0 ||
      memcmp(body.ptr + sizeof event - 1, FLOOR_UPDATE_ARG,
             sizeof FLOOR_UPDATE_ARG - 1) != 0)
    return -FLOOR_EPACKET;
  floor_set_state(c, FLOOR_ST_UPDATE_ATTACH);
  return 0;
}

static int floor_on_text(floor_server_t *s, floor_conn_t *c, floor_bytes_t t) {
  if (t.len == 1 && t.ptr[0] == '3') { /* pong */
    c->awaiting_pong = false;
    return 0;
  }
  if (t.len == 1 && t.ptr[0] == '1') /* Engine.IO close */
    return -FLOOR_EBYE;
  if (t.len < 2 || t.ptr[0] != '4')
    return -FLOOR_EPACKET;
  if (t.ptr[1] == '1' && t.len == 2) /* Socket.IO DISCONNECT from "/" */
    return -FLOOR_EBYE;
  switch (c->state) {
  case FLOOR_ST_EIO_OPEN: {
    /* CONNECT to "/", with or without an auth object. */
    if (t.ptr[1] != '0' || (t.len > 2 && t.ptr[2] != '{'))
      return -FLOOR_EPACKET;
    char sid[24];
    int n = snprintf(sid, sizeof sid, "sio%015" PRIu64, c->id);
    if (n < 0 || (size_t)n >= sizeof sid)
      return -FLOOR_ENOMEM;
    floor_bytes_t parts[] = {
        FLOOR_LIT("40{\"sid\":\""),
        {(const uint8_t *)sid, (size_t)n},
        FLOOR_LIT("\"}"),
    };
    int err = floor_queue_frame(s, c, FLOOR_WS_TEXT, parts, 3);
    if (!err)
      floor_set_state(c, FLOOR_ST_CONNECTED);
    return err;
  }
  case FLOOR_ST_CONNECTED:
    return floor_on_join(c, t);
  case FLOOR_ST_JOINED:
    return floor_on_code_change(c, t);
  default:
    return -FLOOR_EPACKET; /* e.g. text while an attachment is due */
  }
}

static int floor_on_binary(floor_server_t *s, floor_conn_t *c,
                           floor_bytes_t b) {
  int err;
  switch (c->state) {
  case FLOOR_ST_JOIN_ATTACH: { /* the client's state vector: unused */
    if ((err = floor_room_join(s, c)))
      return err;
    floor_set_state(c, FLOOR_ST_JOINED);
    floor_bytes_t ack[] = {
        FLOOR_LIT("462-"),
        {(const uint8_t *)c->ack, c->ack_len},
        FLOOR_LIT(FLOOR_JOIN_ACK_TAIL),
    };
    floor_bytes_t update = {FLOOR_EMPTY_UPDATE, sizeof FLOOR_EMPTY_UPDATE};
    floor_bytes_t sv = {FLOOR_EMPTY_STATE_VECTOR,
                        sizeof FLOOR_EMPTY_STATE_VECTOR};
    if ((err = floor_queue_frame(s, c, FLOOR_WS_TEXT, ack, 3)) ||
        (err = floor_queue_frame(s, c, FLOOR_WS_BINARY, &update, 1)))
      return err;
    return floor_queue_frame(s, c, FLOOR_WS_BINARY, &sv, 1);
  }
  case FLOOR_ST_UPDATE_ATTACH: {
    floor_set_state(c, FLOOR_ST_JOINED);
    floor_relay(s, c, b);
    if (c->ack_len == 0)
      return 0;
    floor_bytes_t ack[] = {
        FLOOR_LIT("43"),
        {(const uint8_t *)c->ack, c->ack_len},
        FLOOR_LIT("[{\"ok\":true}]"),
    };
    return floor_queue_frame(s, c, FLOOR_WS_TEXT, ack, 3);
  }
  default:
    return -FLOOR_EPACKET;
  }
}

/* ---- WebSocket frames ------------------------------------------------- */

/* Parses the header of the client frame at p[0..len). Returns 1 with
 * *opcode, *hlen and *plen once the header is complete, 0 if more bytes are
 * needed, or an error. Client frames are masked, unfragmented, with no RSV
 * bits, and at most `max` bytes long. */
static int floor_ws_parse(const uint8_t *p, size_t len, size_t max,
                          uint8_t *opcode, size_t *hlen, size_t *plen) {
  if (len < 2)
    return 0;
  uint8_t op = p[0] & 0x0f;
  if ((p[0] & 0xf0) != 0x80 || !(p[1] & 0x80)) /* FIN, no RSV, masked */
    return -FLOOR_EFRAME;
  if (op != FLOOR_WS_TEXT && op != FLOOR_WS_BINARY && op != FLOOR_WS_CLOSE &&
      op != FLOOR_WS_PING && op != FLOOR_WS_PONG)
    return -FLOOR_EFRAME;
  uint64_t n = p[1] & 0x7f;
  size_t h = 2;
  if (n == 126) {
    if (len < 4)
      return 0;
    n = (uint64_t)p[2] << 8 | p[3];
    h = 4;
  } else if (n == 127) {
    if (len < 10)
      return 0;
    n = 0;
    for (int i = 0; i < 8; i++)
      n = n << 8 | p[2 + i];
    h = 10;
  }
  if ((op & 0x8) && n > 125) /* control frames */
    return -FLOOR_EFRAME;
  if (n > max)
    return -FLOOR_ETOOLARGE;
  if (len < h + 4)
    return 0;
  *opcode = op;
  *hlen = h + 4; /* with the masking key */
  *plen = (size_t)n;
  return 1;
}

static int floor_on_frame(floor_server_t *s, floor_conn_t *c, uint8_t op,
                          floor_bytes_t payload) {
  switch (op) {
  case FLOOR_WS_TEXT:
    return floor_on_text(s, c, payload);
  case FLOOR_WS_BINARY:
    return floor_on_binary(s, c, payload);
  case FLOOR_WS_PING:
    return floor_queue_frame(s, c, FLOOR_WS_PONG, &payload, 1);
  case FLOOR_WS_PONG:
    return 0;
  default: { /* close: echo its status code, then close */
    floor_bytes_t code = {payload.ptr, payload.len >= 2 ? 2 : 0};
    int err = floor_queue_frame(s, c, FLOOR_WS_CLOSE, &code, 1);
    floor_kill(s, c, err ? err : -FLOOR_EBYE, !err);
    return 0;
  }
  }
}

/* Handles every complete request/frame at the start of p[0..len) (frames
 * are unmasked in place); *used is what was consumed. */
static int floor_consume(floor_server_t *s, floor_conn_t *c, uint8_t *p,
                         size_t len, size_t *used) {
  size_t off = 0;
  *used = 0;
  if (c->state == FLOOR_ST_HTTP) {
    int err = floor_http(s, c, p, len, &off);
    if (err || off == 0)
      return err;
  }
  while (c->state != FLOOR_ST_CLOSED) {
    uint8_t op;
    size_t hlen, plen;
    int r = floor_ws_parse(p + off, len - off, floor_frame_max(c), &op, &hlen,
                           &plen);
    if (r < 0)
      return r;
    if (r == 0 || len - off - hlen < plen)
      break;
    uint8_t *payload = p + off + hlen;
    const uint8_t *mask = payload - 4;
    for (size_t i = 0; i < plen; i++)
      payload[i] ^= mask[i & 3];
    off += hlen + plen;
    r = floor_on_frame(s, c, op, (floor_bytes_t){payload, plen});
    if (r < 0)
      return r;
  }
  *used = off;
  return 0;
}

/* How many bytes c->in must be able to hold to complete what it has. */
static size_t floor_in_limit(const floor_conn_t *c) {
  if (c->state == FLOOR_ST_HTTP)
    return FLOOR_HANDSHAKE_MAX;
  return FLOOR_WS_HEADER_MAX + floor_frame_max(c);
}

/* One recv() per readiness: into the shared scratch buffer when c holds no
 * partial request or frame, else after it in c->in. Whatever is left
 * incomplete stays in c->in. */
static void floor_on_readable(floor_server_t *s, floor_conn_t *c) {
  uint8_t *base;
  size_t len;
  ssize_t n;
  int err;
  if (c->in.len == 0) {
    n = recv(c->fd, s->scratch, FLOOR_SCRATCH, 0);
    base = s->scratch;
    len = n > 0 ? (size_t)n : 0;
  } else {
    size_t limit = floor_in_limit(c);
    size_t want = c->in.len + 2048 < limit ? c->in.len + 2048 : limit;
    uint8_t op;
    size_t hlen, plen;
    if (c->state != FLOOR_ST_HTTP &&
        floor_ws_parse(c->in.ptr, c->in.len, floor_frame_max(c), &op, &hlen,
                       &plen) == 1 &&
        hlen + plen > want)
      want = hlen + plen;
    if ((err = floor_buf_reserve(&c->in, want, limit))) {
      floor_kill(s, c, err, false);
      return;
    }
    if (c->in.len == c->in.cap) { /* full and still incomplete */
      floor_kill(s, c, -FLOOR_ETOOLARGE, false);
      return;
    }
    n = recv(c->fd, c->in.ptr + c->in.len, c->in.cap - c->in.len, 0);
    if (n > 0)
      c->in.len += (size_t)n;
    base = c->in.ptr;
    len = c->in.len;
  }
  if (n == 0) {
    floor_kill(s, c, -FLOOR_EEOF, false);
    return;
  }
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      floor_kill(s, c, -FLOOR_EIO, false);
    return;
  }
  size_t used;
  if ((err = floor_consume(s, c, base, len, &used))) {
    floor_kill(s, c, err, false);
    return;
  }
  if (c->state == FLOOR_ST_CLOSED)
    return;
  if (base == s->scratch) {
    if (used < len) {
      if ((err = floor_buf_reserve(&c->in, len - used, floor_in_limit(c)))) {
        floor_kill(s, c, err, false);
        return;
      }
      memcpy(c->in.ptr, base + used, len - used);
      c->in.len = len - used;
    }
  } else {
    memmove(c->in.ptr, c->in.ptr + used, len - used);
    c->in.len = len - used;
    floor_buf_trim(&c->in, 0); /* an empty c->in is never read into */
  }
}

/* ---- the event loop --------------------------------------------------- */

static int floor_epoll_set(floor_server_t *s, floor_conn_t *c, uint32_t ev) {
  struct epoll_event e = {.events = ev, .data.ptr = c};
  return epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &e);
}

/* Writes each touched connection's queued output with one send(). */
static void floor_flush(floor_server_t *s) {
  for (size_t i = 0; i < s->ndirty; i++) {
    floor_conn_t *c = s->dirty[i];
    c->dirty = false;
    if (c->state == FLOOR_ST_CLOSED && !c->linger)
      continue;
    if (c->want_out && !c->out_ready)
      continue; /* the kernel still refuses: wait for EPOLLOUT */
    c->out_ready = false;
    ssize_t w = 0;
    if (c->out.len) {
      w = send(c->fd, c->out.ptr, c->out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          floor_kill(s, c, -FLOOR_EIO, false);
          continue;
        }
        w = 0;
      }
    }
    if (c->state == FLOOR_ST_CLOSED)
      continue; /* lingering: closed right after this attempt */
    if ((size_t)w == c->out.len) {
      c->out.len = 0;
      floor_buf_trim(&c->out, FLOOR_KEEP_MAX);
      if (c->want_out && floor_epoll_set(s, c, EPOLLIN) == 0)
        c->want_out = false;
    } else {
      memmove(c->out.ptr, c->out.ptr + w, c->out.len - (size_t)w);
      c->out.len -= (size_t)w;
      /* Stop reading this producer until its own output drains. */
      if (!c->want_out) {
        if (floor_epoll_set(s, c, EPOLLOUT) == 0)
          c->want_out = true;
        else
          floor_kill(s, c, -FLOOR_EIO, false);
      }
    }
  }
  s->ndirty = 0;
}

/* Room in the flush list for one more connection. */
static int floor_dirty_reserve(floor_server_t *s) {
  if (s->nconns < s->dirty_cap)
    return 0;
  size_t cap = s->dirty_cap ? s->dirty_cap * 2 : 256;
  floor_conn_t **d = realloc(s->dirty, cap * sizeof *d);
  if (!d)
    return -FLOOR_ENOMEM;
  s->dirty = d;
  s->dirty_cap = cap;
  return 0;
}

static void floor_accept(floor_server_t *s) {
  for (int i = 0; i < FLOOR_ACCEPTS_PER_TURN; i++) {
    int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if ((errno == EMFILE || errno == ENFILE) && s->reserve_fd >= 0) {
        /* Out of descriptors: accept and drop one, so that level-triggered
         * epoll does not spin on the pending connection. */
        close(s->reserve_fd);
        fd = accept(s->lfd, NULL, NULL);
        if (fd >= 0)
          close(fd);
        s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        continue;
      }
      return; /* EAGAIN, ECONNABORTED, ... */
    }
    floor_conn_t *c = NULL;
    if (s->nconns < FLOOR_CONNS_MAX && floor_dirty_reserve(s) == 0)
      c = calloc(1, sizeof *c);
    int one = 1;
    struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
    if (!c || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) ||
        epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &e)) {
      if (s->verbose)
        fprintf(stderr, "floor: refused a connection (limit or no memory)\n");
      free(c);
      close(fd);
      continue;
    }
    c->fd = fd;
    c->state = FLOOR_ST_HTTP;
    c->id = ++s->next_id;
    c->born_ms = floor_now_ms();
    c->next = s->conns;
    if (s->conns)
      s->conns->prev = c;
    s->conns = c;
    s->nconns++;
  }
}

/* Pings every Engine.IO connection each interval; drops those that did not
 * answer within the timeout, and those still without a handshake. */
static void floor_timers(floor_server_t *s, uint64_t now) {
  if (s->pong_deadline_ms && now >= s->pong_deadline_ms) {
    s->pong_deadline_ms = 0;
    for (floor_conn_t *c = s->conns; c; c = c->next)
      if (c->state != FLOOR_ST_CLOSED && c->awaiting_pong)
        floor_kill(s, c, -FLOOR_ETIMEOUT, false);
  }
  if (now < s->next_ping_ms)
    return;
  s->next_ping_ms = now + FLOOR_PING_INTERVAL_MS;
  s->pong_deadline_ms = now + FLOOR_PING_TIMEOUT_MS;
  floor_bytes_t ping = FLOOR_LIT("2");
  for (floor_conn_t *c = s->conns; c; c = c->next) {
    if (c->state == FLOOR_ST_CLOSED)
      continue;
    if ((c->state == FLOOR_ST_HTTP || c->state == FLOOR_ST_EIO_OPEN) &&
        now - c->born_ms >= FLOOR_PING_TIMEOUT_MS) {
      floor_kill(s, c, -FLOOR_ETIMEOUT, false); /* no "40" in time */
      continue;
    }
    if (c->state == FLOOR_ST_HTTP)
      continue;
    int err = floor_queue_frame(s, c, FLOOR_WS_TEXT, &ping, 1);
    if (err)
      floor_kill(s, c, err, false);
    else
      c->awaiting_pong = true;
  }
}

static int floor_timeout_ms(const floor_server_t *s, uint64_t now) {
  uint64_t next = s->next_ping_ms;
  if (s->pong_deadline_ms && s->pong_deadline_ms < next)
    next = s->pong_deadline_ms;
  return next <= now ? 0 : (int)(next - now);
}

static void floor_on_event(floor_server_t *s, floor_conn_t *c, uint32_t ev) {
  if (c->state == FLOOR_ST_CLOSED)
    return; /* closed earlier in this turn */
  if (ev & EPOLLOUT) {
    c->out_ready = true;
    floor_touch(s, c);
  }
  if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))
    floor_on_readable(s, c);
}

static int floor_run(floor_server_t *s) {
  struct epoll_event evs[FLOOR_EVENTS];
  while (s->running) {
    int n = epoll_wait(s->epfd, evs, FLOOR_EVENTS,
                       floor_timeout_ms(s, floor_now_ms()));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      perror("floor: epoll_wait");
      return 1;
    }
    for (int i = 0; i < n; i++) {
      void *tag = evs[i].data.ptr;
      if (tag == &floor_listen_tag) {
        floor_accept(s);
      } else if (tag == &floor_signal_tag) {
        struct signalfd_siginfo si;
        if (read(s->sfd, &si, sizeof si) == (ssize_t)sizeof si)
          s->running = false;
      } else {
        floor_on_event(s, tag, evs[i].events);
      }
    }
    floor_timers(s, floor_now_ms());
    floor_flush(s);
    floor_reap(s);
  }
  return 0;
}

/* ---- setup and teardown ----------------------------------------------- */

static int floor_listen(floor_server_t *s, uint16_t port) {
  s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->lfd < 0)
    return -1;
  int one = 1;
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_port = htons(port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t alen = sizeof a;
  struct epoll_event e = {.events = EPOLLIN, .data.ptr = &floor_listen_tag};
  if (setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
      bind(s->lfd, (struct sockaddr *)&a, sizeof a) ||
      listen(s->lfd, SOMAXCONN) ||
      getsockname(s->lfd, (struct sockaddr *)&a, &alen) ||
      epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &e))
    return -1;
  return ntohs(a.sin_port);
}

static int floor_signals(floor_server_t *s) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  if (sigprocmask(SIG_BLOCK, &set, NULL))
    return -1;
  signal(SIGPIPE, SIG_IGN);
  s->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  struct epoll_event e = {.events = EPOLLIN, .data.ptr = &floor_signal_tag};
  if (s->sfd < 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->sfd, &e))
    return -1;
  return 0;
}

static void floor_server_free(floor_server_t *s) {
  for (floor_conn_t *c = s->conns; c; c = c->next)
    floor_kill(s, c, -FLOOR_ESHUTDOWN, false);
  floor_reap(s);
  free(s->dirty);
  free(s->buckets); /* every room emptied with its last member */
  free(s->scratch);
  if (s->sfd >= 0)
    close(s->sfd);
  if (s->lfd >= 0)
    close(s->lfd);
  if (s->reserve_fd >= 0)
    close(s->reserve_fd);
  if (s->epfd >= 0)
    close(s->epfd);
}

int main(int argc, char **argv) {
  char *end = NULL;
  unsigned long port = argc >= 2 ? strtoul(argv[1], &end, 10) : 0;
  bool verbose = argc == 3 && strcmp(argv[2], "--verbose") == 0;
  if (argc < 2 || argc > 3 || (argc == 3 && !verbose) || end == argv[1] ||
      *end || port > 65535) {
    fprintf(stderr, "usage: floor-server <port> [--verbose]   (port 0: any)\n");
    return 2;
  }
  /* One descriptor per connection: use the whole hard limit. */
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  floor_server_t s = {.lfd = -1, .sfd = -1, .running = true};
  s.verbose = verbose;
  s.epfd = epoll_create1(EPOLL_CLOEXEC);
  s.reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  s.nbuckets = 64;
  s.buckets = calloc(s.nbuckets, sizeof *s.buckets);
  s.scratch = malloc(FLOOR_SCRATCH);
  s.relay_head_len =
      floor_ws_header(s.relay_head, FLOOR_WS_TEXT, sizeof FLOOR_RELAY_TEXT - 1);
  memcpy(s.relay_head + s.relay_head_len, FLOOR_RELAY_TEXT,
         sizeof FLOOR_RELAY_TEXT - 1);
  s.relay_head_len += sizeof FLOOR_RELAY_TEXT - 1;
  if (s.epfd < 0 || !s.buckets || !s.scratch || floor_signals(&s)) {
    perror("floor: setup");
    floor_server_free(&s);
    return 1;
  }
  /* RFC 6455's sample key: checks libcrypto and loads it before the
   * benchmark reads the idle server's memory. */
  uint8_t accept[FLOOR_WS_ACCEPT_LEN];
  if (floor_ws_accept(FLOOR_LIT("dGhlIHNhbXBsZSBub25jZQ=="), accept) ||
      memcmp(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", sizeof accept) != 0) {
    fprintf(stderr, "floor: libcrypto SHA-1 self-test failed\n");
    floor_server_free(&s);
    return 1;
  }
  int bound = floor_listen(&s, (uint16_t)port);
  if (bound < 0) {
    perror("floor: listen on 127.0.0.1");
    floor_server_free(&s);
    return 1;
  }
  printf("floor listening on 127.0.0.1:%d\n", bound);
  fflush(stdout);
  s.next_ping_ms = floor_now_ms() + FLOOR_PING_INTERVAL_MS;
  int code = floor_run(&s);
  floor_server_free(&s);
  return code;
}
