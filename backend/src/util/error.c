#include "util/error.h"

const char *pp_strerror(int err) {
  switch (err) {
  case PP_OK:
    return "ok";
#define PP__ERR_MSG(name, code, msg)                                           \
  case PP_E##name:                                                             \
    return msg;
    PP_ERRNO_MAP(PP__ERR_MSG)
#undef PP__ERR_MSG
  default:
    return "unknown error";
  }
}

const char *pp_errname(int err) {
  switch (err) {
  case PP_OK:
    return "ok";
#define PP__ERR_CODE(name, code, msg)                                          \
  case PP_E##name:                                                             \
    return code;
    PP_ERRNO_MAP(PP__ERR_CODE)
#undef PP__ERR_CODE
  default:
    return "unknown_error";
  }
}
