/* Fuzzes the shared-run state machine (`execution` events): the input is a
 * sequence of JSON payloads, one per line, fed to one member's run. Checks
 * the caps hold and every relay and record is well-formed JSON. */
#include <assert.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collab/runs.h"

static const collab_runs_config_t cfg = {.rate = 1000,
                                         .burst = 64,
                                         .max_relay_bytes = 4096,
                                         .max_stored_bytes = 1024,
                                         .max_event_bytes = 8192};

static void check_record(json_t *rec) {
  if (!rec)
    return;
  json_t *out = json_object_get(rec, "output");
  assert(json_is_array(out));
  size_t stored = 0, i;
  json_t *item;
  json_array_foreach(out, i, item) {
    assert(json_is_string(json_object_get(item, "text")));
    stored += json_string_length(json_object_get(item, "text"));
  }
  assert(stored <= cfg.max_stored_bytes);
  char *text = json_dumps(rec, JSON_COMPACT);
  assert(text);
  json_t *back = json_loads(text, 0, NULL);
  assert(back);
  json_decref(back);
  free(text);
  json_decref(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  collab_run_t run;
  collab_run_init(&run, &cfg, 0);
  size_t start = 0;
  int64_t now = 0;
  for (size_t i = 0; i <= size; i++) {
    if (i < size && data[i] != '\n')
      continue;
    json_t *payload = json_loadb((const char *)data + start, i - start,
                                 JSON_REJECT_DUPLICATES, NULL);
    start = i + 1;
    now += 7;
    if (!payload)
      continue;
    collab_run_effects_t fx;
    const char *err = NULL;
    int rc = collab_run_event(&run, &cfg, payload, now, &fx, &err);
    json_decref(payload);
    if (rc) {
      assert(err && !fx.relay && !fx.record);
      continue;
    }
    assert(run.relayed_bytes <= cfg.max_relay_bytes);
    if (fx.relay) {
      assert(json_is_string(json_object_get(fx.relay, "run_id")));
      json_decref(fx.relay);
    }
    check_record(fx.record);
  }
  check_record(collab_run_abandon(&run, now + 1));
  collab_run_clear(&run);
  return 0;
}
