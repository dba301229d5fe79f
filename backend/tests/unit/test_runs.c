#include <jansson.h>

#include "collab/runs.h"
#include "test.h"
#include "test_support.h"

static const collab_runs_config_t cfg = {.rate = 10,
                                         .burst = 20,
                                         .max_relay_bytes = 8,
                                         .max_stored_bytes = 5,
                                         .max_event_bytes = 1024};

/* Sends one event given as JSON text; returns the handler's result. */
static int runs_send(collab_run_t *run, const char *json, int64_t now,
                     collab_run_effects_t *fx, const char **err) {
  json_t *payload = json_loads(json, 0, NULL);
  CHECK(payload != NULL);
  *err = NULL;
  int rc = collab_run_event(run, &cfg, payload, now, fx, err);
  json_decref(payload);
  return rc;
}

static char *dump(const json_t *j) { return json_dumps(j, JSON_SORT_KEYS); }

void test_runs_lifecycle_relays_clean_copies(void) {
  collab_run_t run;
  collab_run_init(&run, &cfg, 0);
  collab_run_effects_t fx;
  const char *err;
  CHECK_INT(runs_send(&run,
                      "{\"run_id\":\"r1\",\"type\":\"started\","
                      "\"language\":\"python\",\"extra\":1}",
                      1000, &fx, &err),
            0);
  char *s = dump(fx.relay);
  CHECK_STR(s, "{\"language\": \"python\", \"run_id\": \"r1\", \"type\": "
               "\"started\"}");
  free(s);
  CHECK(fx.record == NULL);
  json_decref(fx.relay);

  CHECK_INT(runs_send(&run,
                      "{\"run_id\":\"r1\",\"type\":\"output\",\"stream\":"
                      "\"stdout\",\"text\":\"hey\"}",
                      1010, &fx, &err),
            0);
  json_decref(fx.relay);
  CHECK_INT(runs_send(&run,
                      "{\"run_id\":\"r1\",\"type\":\"finished\",\"status\":"
                      "\"ok\",\"exit_code\":0,\"duration_ms\":9}",
                      1020, &fx, &err),
            0);
  CHECK(fx.record != NULL);
  CHECK_INT(fx.record_started_at_ms, 1000);
  s = json_dumps(json_object_get(fx.record, "output"), 0);
  CHECK_STR(s, "[{\"stream\": \"stdout\", \"text\": \"hey\"}]");
  free(s);
  CHECK_STR(json_string_value(json_object_get(fx.record, "status")), "ok");
  CHECK(!run.active);
  json_decref(fx.relay);
  json_decref(fx.record);
  collab_run_clear(&run);
}

void test_runs_refuse_events_outside_the_active_run(void) {
  collab_run_t run;
  collab_run_init(&run, &cfg, 0);
  collab_run_effects_t fx;
  const char *err;
  static const char *const bad[] = {
      "{\"run_id\":\"r1\",\"type\":\"output\",\"stream\":\"stdout\","
      "\"text\":\"x\"}",
      "{\"run_id\":\"r1\",\"type\":\"started\",\"language\":\"cobol\"}",
      "{\"run_id\":\"r 1\",\"type\":\"started\",\"language\":\"c\"}",
      "{\"run_id\":\"\",\"type\":\"started\",\"language\":\"c\"}",
      "{\"type\":\"started\",\"language\":\"c\"}",
      "{\"run_id\":\"r1\",\"type\":\"paused\"}",
      "[1]",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    test_ctx("vector %zu", i);
    CHECK(runs_send(&run, bad[i], 0, &fx, &err) != 0);
    CHECK_STR(err, "invalid_execution");
    CHECK(fx.relay == NULL && fx.record == NULL);
  }
  collab_run_clear(&run);
}

void test_runs_cap_stored_and_relayed_output(void) {
  collab_run_t run;
  collab_run_init(&run, &cfg, 0);
  collab_run_effects_t fx;
  const char *err;
  runs_send(&run, "{\"run_id\":\"r\",\"type\":\"started\",\"language\":\"c\"}",
            0, &fx, &err);
  json_decref(fx.relay);
  /* "ab" then "cdé" (2 + 4 bytes) into 5: the é is not split; "x" fills */
  runs_send(&run,
            "{\"run_id\":\"r\",\"type\":\"output\",\"stream\":\"stdout\","
            "\"text\":\"ab\"}",
            0, &fx, &err);
  CHECK(fx.relay != NULL);
  json_decref(fx.relay);
  runs_send(&run,
            "{\"run_id\":\"r\",\"type\":\"output\",\"stream\":\"stdout\","
            "\"text\":\"cd\\u00e9\"}",
            0, &fx, &err);
  CHECK(fx.relay != NULL); /* 6 of 8 relayed bytes */
  json_decref(fx.relay);
  runs_send(&run,
            "{\"run_id\":\"r\",\"type\":\"output\",\"stream\":\"stdout\","
            "\"text\":\"xyz\"}",
            0, &fx, &err);
  CHECK(fx.relay == NULL); /* 9 > 8: dropped */
  json_t *rec = collab_run_abandon(&run, 5);
  CHECK_STR(json_string_value(json_object_get(
                json_array_get(json_object_get(rec, "output"), 0), "text")),
            "abcdx");
  CHECK(json_is_true(json_object_get(rec, "truncated")));
  CHECK_STR(json_string_value(json_object_get(rec, "status")), "interrupted");
  json_decref(rec);
  collab_run_clear(&run);
}

void test_runs_rate_limit_refills(void) {
  collab_run_t run;
  collab_run_init(&run, &cfg, 0);
  collab_run_effects_t fx;
  const char *err;
  const char *ev = "{\"run_id\":\"r\",\"type\":\"started\",\"language\":\"c\"}";
  for (int i = 0; i < 20; i++) {
    CHECK_INT(runs_send(&run, ev, 0, &fx, &err), 0);
    json_decref(fx.relay);
    json_decref(fx.record);
  }
  CHECK(runs_send(&run, ev, 0, &fx, &err) != 0);
  CHECK_STR(err, "rate_limited");
  CHECK_INT(runs_send(&run, ev, 100, &fx, &err), 0); /* 10/s: one token */
  json_decref(fx.relay);
  json_decref(fx.record);
  collab_run_clear(&run);
}
