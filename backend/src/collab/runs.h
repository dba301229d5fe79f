/* Shared code runs: the `execution` events one member sends while their
 * browser runs the room's code. The server never runs code; it checks each
 * event's shape, rate and size, relays a clean copy to the room and keeps a
 * record of the run (output capped) for later review. One run at a time per
 * member. Pure state machine: no I/O, testable alone. */
#ifndef PP_COLLAB_RUNS_H
#define PP_COLLAB_RUNS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COLLAB_RUN_ID_MAX 64

typedef struct {
  double rate;             /* events per second per member, */
  double burst;            /* after a burst of this many */
  size_t max_relay_bytes;  /* output text relayed per run; later dropped */
  size_t max_stored_bytes; /* output text kept in the run's record */
  size_t max_event_bytes;  /* one serialized event */
} collab_runs_config_t;

typedef struct {
  bool active;
  char run_id[COLLAB_RUN_ID_MAX + 1];
  char language[25];
  int64_t started_at_ms;
  json_t *output; /* owned array of {stream, text}, same streams merged */
  size_t relayed_bytes;
  size_t stored_bytes;
  bool truncated; /* some output was not relayed or not stored */
  double tokens;
  int64_t refill_ms;
} collab_run_t;

typedef struct {
  json_t *relay;  /* owned: the clean event for the others; NULL = none */
  json_t *record; /* owned: a run that ended, to keep; NULL = none */
  int64_t record_started_at_ms;
} collab_run_effects_t;

void collab_run_init(collab_run_t *run, const collab_runs_config_t *cfg,
                     int64_t now_ms);
/* Handles one `execution` payload. Returns 0 and fills fx, or a PP_E* code
 * with *err_code ("invalid_execution", "payload_too_large", "rate_limited")
 * and nothing to relay or keep. */
int collab_run_event(collab_run_t *run, const collab_runs_config_t *cfg,
                     const json_t *payload, int64_t now_ms,
                     collab_run_effects_t *fx, const char **err_code);
/* Ends the active run because its member left: its record (status
 * "interrupted"), or NULL when no run is active. run->started_at_ms still
 * holds its start afterwards. */
json_t *collab_run_abandon(collab_run_t *run, int64_t now_ms);
/* Frees what the run owns. */
void collab_run_clear(collab_run_t *run);

#endif
