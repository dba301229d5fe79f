#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "util/error.h"

static pp_log_level_t g_level = PP_LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error",
                                          "off"};

void pp_log_set_level(pp_log_level_t level) { g_level = level; }
pp_log_level_t pp_log_get_level(void) { return g_level; }
int pp_log_enabled(pp_log_level_t level) { return level >= g_level; }

int pp_log_parse_level(const char *s, pp_log_level_t *out) {
  for (int i = 0; i <= PP_LOG_OFF; i++) {
    if (strcmp(s, level_names[i]) == 0) {
      *out = (pp_log_level_t)i;
      return 0;
    }
  }
  return PP_EINVAL;
}

void pp_log_quote(const char *s, size_t len, char *out, size_t outsz) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  if (outsz < 3) {
    if (outsz)
      out[0] = '\0';
    return;
  }
  out[o++] = '"';
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    char tmp[4];
    size_t n;
    if (c == '"' || c == '\\') {
      tmp[0] = '\\';
      tmp[1] = (char)c;
      n = 2;
    } else if (c < 0x20 || c >= 0x7f) {
      tmp[0] = '\\';
      tmp[1] = 'x';
      tmp[2] = hex[c >> 4];
      tmp[3] = hex[c & 0xf];
      n = 4;
    } else {
      tmp[0] = (char)c;
      n = 1;
    }
    if (o + n + 2 > outsz)
      break;
    memcpy(out + o, tmp, n);
    o += n;
  }
  out[o++] = '"';
  out[o] = '\0';
}

void pp_log(pp_log_level_t level, const char *msg, const char *fields) {
  if (!pp_log_enabled(level) || level >= PP_LOG_OFF)
    return;
  char ts[PP_RFC3339_LEN + 1];
  pp_format_rfc3339(pp_now_ms(), ts);
  char qmsg[512];
  pp_log_quote(msg, strlen(msg), qmsg, sizeof qmsg);
  char line[2048];
  int n = snprintf(line, sizeof line, "time=%s level=%s msg=%s%s\n", ts,
                   level_names[level], qmsg, fields ? fields : "");
  if (n < 0)
    return;
  size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
  if ((size_t)n >= sizeof line)
    line[len - 1] = '\n';
  fwrite(line, 1, len, stderr);
}

void pp_logf(pp_log_level_t level, const char *msg, const char *fmt, ...) {
  if (!pp_log_enabled(level))
    return;
  char fields[1536];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(fields, sizeof fields, fmt, ap);
  va_end(ap);
  pp_log(level, msg, fields);
}
