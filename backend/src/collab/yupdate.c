#include "collab/yupdate.h"

#include <string.h>

#include "collab/awareness.h"
#include "util/error.h"
#include "util/utf8.h"

#define CLOCK_MAX 0xffffffffULL /* yrs keeps clocks in u32 */

#define INFO_HAS_ORIGIN 0x80
#define INFO_HAS_RIGHT_ORIGIN 0x40
#define INFO_HAS_PARENT_SUB 0x20
#define INFO_CONTENT_MASK 0x1f
#define REF_GC 0
#define REF_DELETED 1
#define REF_STRING 4
#define REF_SKIP 10

typedef struct {
  pp_bytes_t in;
  size_t pos;
  const collab_yupdate_visitor_t *v; /* NULL: validate only */
  uint64_t client, clock;            /* of the struct being read */
} reader_t;

static int rd_var(reader_t *r, uint64_t *v) {
  return collab_varuint_read(r->in, &r->pos, v);
}

/* A varstring: returns its bytes (borrowed) after checking UTF-8 and that
 * it has no NUL (yffi converts strings to C strings and would panic). */
static int rd_string(reader_t *r, pp_bytes_t *out) {
  uint64_t len;
  if (rd_var(r, &len) || len > r->in.len - r->pos)
    return PP_EINVAL;
  pp_bytes_t s = pp_bytes(r->in.ptr + r->pos, (size_t)len);
  r->pos += (size_t)len;
  if (memchr(s.ptr, '\0', s.len) || pp_utf8_count(s) < 0)
    return PP_EINVAL;
  *out = s;
  return 0;
}

static int rd_id(reader_t *r, bool right) {
  uint64_t client, clock;
  if (rd_var(r, &client) || rd_var(r, &clock) || clock > CLOCK_MAX)
    return PP_EINVAL;
  if (r->v && r->v->origin && r->v->origin(r->v->ctx, client, clock, right))
    return PP_EINVAL;
  return 0;
}

/* Yjs measures string content in UTF-16 code units (its clock units). */
static uint64_t utf16_length(pp_bytes_t s) {
  uint64_t n = 0;
  for (size_t i = 0; i < s.len; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    if ((c & 0xc0) != 0x80)
      n += c >= 0xf0 ? 2 : 1;
  }
  return n;
}

/* One struct; *len gets its clock length. */
static int rd_struct(reader_t *r, collab_yupdate_stats_t *st, uint64_t *len) {
  if (r->pos >= r->in.len)
    return PP_EINVAL;
  unsigned char info = (unsigned char)r->in.ptr[r->pos++];
  if (info == REF_GC || info == REF_SKIP)
    return rd_var(r, len) || *len == 0 ? PP_EINVAL : 0;
  if (info & INFO_HAS_PARENT_SUB)
    return PP_EINVAL;
  if ((info & INFO_HAS_ORIGIN) && rd_id(r, false))
    return PP_EINVAL;
  if ((info & INFO_HAS_RIGHT_ORIGIN) && rd_id(r, true))
    return PP_EINVAL;
  if (!(info & (INFO_HAS_ORIGIN | INFO_HAS_RIGHT_ORIGIN))) {
    uint64_t parent_info;
    pp_bytes_t name;
    if (rd_var(r, &parent_info) || parent_info != 1 || rd_string(r, &name) ||
        !pp_bytes_eq(name, COLLAB_DOC_ROOT))
      return PP_EINVAL;
  }
  switch (info & INFO_CONTENT_MASK) {
  case REF_DELETED:
    return rd_var(r, len) || *len == 0 ? PP_EINVAL : 0;
  case REF_STRING: {
    pp_bytes_t s;
    if (rd_string(r, &s) || s.len == 0)
      return PP_EINVAL;
    *len = utf16_length(s);
    st->inserted_bytes += s.len;
    if (r->v && r->v->string && r->v->string(r->v->ctx, r->client, r->clock, s))
      return PP_EINVAL;
    return 0;
  }
  default:
    return PP_EINVAL;
  }
}

static int yupdate__read(pp_bytes_t update,
                         const collab_yupdate_limits_t *limits,
                         collab_yupdate_stats_t *stats,
                         const collab_yupdate_visitor_t *visitor) {
  reader_t r = {update, 0, visitor, 0, 0};
  collab_yupdate_stats_t st = {0};
  uint64_t groups;
  if (rd_var(&r, &groups) || groups > limits->max_clients)
    return PP_EINVAL;
  for (uint64_t g = 0; g < groups; g++) {
    uint64_t nstructs, client, clock;
    if (rd_var(&r, &nstructs) || rd_var(&r, &client) || rd_var(&r, &clock) ||
        clock > CLOCK_MAX || nstructs > limits->max_structs - st.structs)
      return PP_EINVAL;
    for (uint64_t i = 0; i < nstructs; i++) {
      uint64_t len;
      r.client = client;
      r.clock = clock;
      if (rd_struct(&r, &st, &len) || len > CLOCK_MAX - clock)
        return PP_EINVAL;
      clock += len;
    }
    st.structs += (size_t)nstructs;
    st.clients++;
  }
  uint64_t ds_clients;
  if (rd_var(&r, &ds_clients) || ds_clients > limits->max_clients)
    return PP_EINVAL;
  for (uint64_t c = 0; c < ds_clients; c++) {
    uint64_t client, n;
    if (rd_var(&r, &client) || rd_var(&r, &n) ||
        n > limits->max_delete_ranges - st.delete_ranges)
      return PP_EINVAL;
    for (uint64_t i = 0; i < n; i++) {
      uint64_t clock, len;
      if (rd_var(&r, &clock) || rd_var(&r, &len) || clock > CLOCK_MAX ||
          len > CLOCK_MAX - clock)
        return PP_EINVAL;
      if (visitor && visitor->deletion &&
          visitor->deletion(visitor->ctx, client, clock, len))
        return PP_EINVAL;
    }
    st.delete_ranges += (size_t)n;
  }
  if (r.pos != update.len)
    return PP_EINVAL;
  if (stats)
    *stats = st;
  return 0;
}

int collab_yupdate_validate(pp_bytes_t update,
                            const collab_yupdate_limits_t *limits,
                            collab_yupdate_stats_t *stats) {
  return yupdate__read(update, limits, stats, NULL);
}

int collab_yupdate_visit(pp_bytes_t update,
                         const collab_yupdate_limits_t *limits,
                         const collab_yupdate_visitor_t *visitor) {
  return yupdate__read(update, limits, NULL, visitor);
}

int collab_ystate_vector_validate(pp_bytes_t sv, size_t max_clients) {
  reader_t r = {sv, 0, NULL, 0, 0};
  uint64_t n;
  if (rd_var(&r, &n) || n > max_clients)
    return PP_EINVAL;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t client, clock;
    if (rd_var(&r, &client) || rd_var(&r, &clock) || clock > CLOCK_MAX)
      return PP_EINVAL;
  }
  return r.pos == sv.len ? 0 : PP_EINVAL;
}
