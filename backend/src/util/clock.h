/* Wall-clock helpers; times are int64 milliseconds since the Unix epoch. */
#ifndef PP_CLOCK_H
#define PP_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define PP_RFC3339_LEN 24 /* "2026-11-27T03:04:05.123Z" */

int64_t pp_now_ms(void);
/* Monotonic milliseconds, for durations and rate limits. */
int64_t pp_mono_ms(void);
/* Monotonic microseconds, for request timing. */
int64_t pp_mono_us(void);
/* Writes RFC 3339 UTC with milliseconds; out must hold PP_RFC3339_LEN + 1. */
void pp_format_rfc3339(int64_t ms, char out[PP_RFC3339_LEN + 1]);

#endif
