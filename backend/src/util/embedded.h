/* Files embedded into the binary at build time (cmake/embed.cmake). */
#ifndef PP_EMBEDDED_H
#define PP_EMBEDDED_H

#include <stddef.h>

typedef struct {
  const char *name;          /* file name without directory */
  const unsigned char *data; /* NUL-terminated */
  size_t len;                /* excluding the NUL */
} pp_embedded_t;

/* Sorted by file name, so migrations apply in version order. */
extern const pp_embedded_t pp_migrations_sqlite[];
extern const size_t pp_migrations_sqlite_count;
extern const pp_embedded_t pp_migrations_postgres[];
extern const size_t pp_migrations_postgres_count;
extern const pp_embedded_t pp_assets_api[];
extern const size_t pp_assets_api_count;

#endif
