/* One error table for the whole server: functions return 0 or a negative PP_E*
 * code. */
#ifndef PP_ERROR_H
#define PP_ERROR_H

/* X(name, snake_code, message) */
#define PP_ERRNO_MAP(X)                                                        \
  X(NOMEM, "out_of_memory", "out of memory")                                   \
  X(INVAL, "invalid_argument", "invalid argument")                             \
  X(NOTFOUND, "not_found", "not found")                                        \
  X(EXPIRED, "expired", "expired")                                             \
  X(TOOLARGE, "too_large", "too large")                                        \
  X(PASSWORD_REQUIRED, "password_required", "a password is required")          \
  X(PASSWORD_WRONG, "invalid_password", "wrong password")                      \
  X(TOKEN_REQUIRED, "token_required", "an interviewer token is required")      \
  X(TOKEN_WRONG, "invalid_token", "wrong interviewer token")                   \
  X(RATELIMITED, "rate_limited", "rate limited")                               \
  X(STORE, "store_error", "database error")                                    \
  X(UNAVAILABLE, "unavailable", "service unavailable")                         \
  X(CONFIG, "invalid_config", "invalid configuration")                         \
  X(IO, "io_error", "input/output error")                                      \
  X(CONFLICT, "conflict", "conflict")                                          \
  X(CRYPTO, "crypto_error", "cryptography failure")

enum pp_errno {
  PP_OK = 0,
#define PP__ERR_ENUM(name, code, msg) PP_E##name,
  PP__ERR_FIRST = -1000,
  PP_ERRNO_MAP(PP__ERR_ENUM)
#undef PP__ERR_ENUM
      PP__ERR_LAST
};

/* Returns a static human-readable message for err (never NULL). */
const char *pp_strerror(int err);
/* Returns the static snake_case name of err (never NULL). */
const char *pp_errname(int err);

#endif
