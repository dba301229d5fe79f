/* A bounded validator of Yjs v1 updates and state vectors, run before any
 * byte reaches yffi (where a Rust panic would abort the server). It accepts
 * exactly what Pairpad's document model produces: items in the root text
 * "code" (COLLAB_DOC_ROOT) holding strings or deletions, GC and Skip
 * ranges, and a delete set. Everything else -- nested types, maps, embeds,
 * formats, JSON/Any/binary/subdoc content, parent-by-ID, parentSub, NUL
 * characters, invalid UTF-8, clocks beyond 2^32, client ids beyond 2^53,
 * truncation, trailing bytes -- is rejected.
 *
 * Update v1:  varuint nclients { varuint nstructs, varuint client,
 *             varuint clock, struct* } deleteset
 * struct:     info byte: 0 = GC (varuint len), 10 = Skip (varuint len),
 *             else item: [origin ID if 0x80] [right origin ID if 0x40]
 *             [parent if neither: varuint 1 + varstring root name]
 *             content by (info & 0x1f): 1 Deleted (varuint len),
 *             4 String (varstring)
 * deleteset:  varuint nclients { varuint client, varuint n,
 *             { varuint clock, varuint len }* } */
#ifndef PP_COLLAB_YUPDATE_H
#define PP_COLLAB_YUPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/bytes.h"

#define COLLAB_DOC_ROOT "code"

typedef struct {
  size_t max_clients; /* struct groups and delete-set clients, each */
  size_t max_structs; /* all struct groups together */
  size_t max_delete_ranges;
} collab_yupdate_limits_t;

typedef struct {
  size_t clients;
  size_t structs;
  size_t inserted_bytes; /* UTF-8 bytes of string content */
  size_t delete_ranges;
} collab_yupdate_stats_t;

/* Returns 0 (stats filled when not NULL) or PP_EINVAL. */
int collab_yupdate_validate(pp_bytes_t update,
                            const collab_yupdate_limits_t *limits,
                            collab_yupdate_stats_t *stats);

/* What an update refers to, for checks that need the document (doc.c).
 * Callbacks return 0 to go on, non-zero to reject the update. */
typedef struct {
  int (*string)(void *ctx, uint64_t client, uint64_t clock, pp_bytes_t s);
  int (*origin)(void *ctx, uint64_t client, uint64_t clock, bool right);
  int (*deletion)(void *ctx, uint64_t client, uint64_t clock, uint64_t len);
  void *ctx;
} collab_yupdate_visitor_t;

/* Validates like collab_yupdate_validate and calls visitor for each string
 * item (its first clock), each origin / right origin, each delete range. */
int collab_yupdate_visit(pp_bytes_t update,
                         const collab_yupdate_limits_t *limits,
                         const collab_yupdate_visitor_t *visitor);
/* State vector v1: varuint n { varuint client, varuint clock }. */
int collab_ystate_vector_validate(pp_bytes_t sv, size_t max_clients);

#endif
