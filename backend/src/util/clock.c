#define _POSIX_C_SOURCE 200809L
#include "util/clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t pp_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t pp_mono_ms(void) { return pp_mono_us() / 1000; }

int64_t pp_mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void pp_format_rfc3339(int64_t ms, char out[PP_RFC3339_LEN + 1]) {
  int64_t secs = ms / 1000;
  int millis = (int)(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  time_t t = (time_t)secs;
  struct tm tm;
  gmtime_r(&t, &tm);
  char tmp[96];
  snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
           (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
           tm.tm_min, tm.tm_sec, millis);
  memcpy(out, tmp, PP_RFC3339_LEN);
  out[PP_RFC3339_LEN] = '\0';
}
