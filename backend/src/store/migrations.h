/* Helpers shared by the backends' migration runners. */
#ifndef PP_STORE_MIGRATIONS_H
#define PP_STORE_MIGRATIONS_H

#include "util/embedded.h"

/* Version number from a file name like "0001_sessions.sql"; -1 if none. */
long store__migration_version(const pp_embedded_t *m);

#endif
