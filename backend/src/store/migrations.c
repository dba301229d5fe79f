#include "store/migrations.h"

long store__migration_version(const pp_embedded_t *m) {
  long v = 0;
  const char *p = m->name;
  if (*p < '0' || *p > '9')
    return -1;
  while (*p >= '0' && *p <= '9') {
    v = v * 10 + (*p - '0');
    if (v > 1000000)
      return -1;
    p++;
  }
  return *p == '_' ? v : -1;
}
