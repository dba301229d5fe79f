/* Structured one-line logs: time=… level=… msg="…" key=value… on stderr. */
#ifndef PP_LOG_H
#define PP_LOG_H

#include <stddef.h>

typedef enum {
  PP_LOG_DEBUG = 0,
  PP_LOG_INFO = 1,
  PP_LOG_WARN = 2,
  PP_LOG_ERROR = 3,
  PP_LOG_OFF = 4
} pp_log_level_t;

void pp_log_set_level(pp_log_level_t level);
pp_log_level_t pp_log_get_level(void);
/* Parses "debug|info|warn|error|off"; returns 0 or PP_EINVAL. */
int pp_log_parse_level(const char *s, pp_log_level_t *out);
int pp_log_enabled(pp_log_level_t level);

/* fields is a preformatted " key=value key=value" suffix (may be NULL). */
void pp_log(pp_log_level_t level, const char *msg, const char *fields);
/* printf-style fields. */
void pp_logf(pp_log_level_t level, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes s as a quoted log value into out (escaping quotes, backslashes and
 * non-printable bytes), truncated to fit; out always NUL-terminated. */
void pp_log_quote(const char *s, size_t len, char *out, size_t outsz);

#endif
