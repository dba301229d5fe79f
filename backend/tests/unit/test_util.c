#include "test.h"
#include "util/error.h"

void test_error_names_are_snake_case(void) {
  for (int e = PP__ERR_FIRST + 1; e < PP__ERR_LAST; e++) {
    const char *n = pp_errname(e);
    CHECK(strlen(n) > 0);
    for (const char *p = n; *p; p++)
      CHECK((*p >= 'a' && *p <= 'z') || *p == '_');
    CHECK(strcmp(pp_strerror(e), "unknown error") != 0);
  }
  CHECK_STR(pp_errname(PP_ENOTFOUND), "not_found");
}
