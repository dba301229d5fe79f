/* The registry of unit tests and the assertion macros. */
#ifndef PP_TEST_H
#define PP_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_LIST(X)                                                           \
  X(error_names_are_snake_case)                                                \
  X(buf_append_respects_max)                                                   \
  X(buf_appendf_formats)                                                       \
  X(utf8_counts_code_points)                                                   \
  X(utf8_rejects_invalid_sequences)                                            \
  X(utf8_detects_control_characters)                                           \
  X(uuid_v4_is_valid_and_unique)                                               \
  X(uuid_validation_vectors)                                                   \
  X(rfc3339_formats_utc_millis)                                                \
  X(ratelimit_allows_burst_then_limits)                                        \
  X(ratelimit_refills_over_time)                                               \
  X(ratelimit_keys_are_independent)                                            \
  X(ratelimit_table_stays_bounded)                                             \
  X(config_defaults_match_protocol)                                            \
  X(config_env_then_argv_precedence)                                           \
  X(config_rejects_bad_values)                                                 \
  X(log_quote_escapes)                                                         \
  X(token_roundtrip_verifies)                                                  \
  X(token_rejects_wrong_and_oversized)                                         \
  X(bearer_header_parsing)                                                     \
  X(password_hash_is_argon2id_and_verifies)                                    \
  X(router_vectors)                                                            \
  X(router_allow_header)                                                       \
  X(router_method_names)                                                       \
  X(session_request_vectors)                                                   \
  X(session_request_accepts_all_fields)                                        \
  X(session_request_patch_password_null)                                       \
  X(languages_table)                                                           \
  X(cors_allow_list)                                                           \
  X(cors_same_origin)                                                          \
  X(static_resolve_vectors)                                                    \
  X(accept_encoding_vectors)                                                   \
  X(static_precompressed_variants)                                             \
  X(static_resolve_app_without_build)                                          \
  X(static_mime_types)                                                         \
  X(api_docs_render_lists_paths)                                               \
  X(api_docs_render_rejects_invalid_json)                                      \
  X(api_docs_render_escapes_html)                                              \
  X(store_open_rejects_unknown_url)                                            \
  X(store_sqlite_crud)                                                         \
  X(store_sqlite_purge_expired)                                                \
  X(store_sqlite_migrations_idempotent)                                        \
  X(store_postgres_crud)                                                       \
  X(store_sqlite_document_log)                                                 \
  X(store_postgres_document_log)                                               \
  X(store_sqlite_journal_load_spans_the_move)                                  \
  X(store_sqlite_journal_stale_code)                                           \
  X(store_sqlite_journal_delete_drops_rows)                                    \
  X(store_sqlite_journal_upgrade_keeps_old_log)                                \
  X(eio_frame_vectors)                                                         \
  X(eio_payload_vectors)                                                       \
  X(eio_payload_callback_and_scratch)                                          \
  X(eio_encode_vectors)                                                        \
  X(eio_binary_roundtrip)                                                      \
  X(sio_decode_vectors)                                                        \
  X(sio_over_eio_messages)                                                     \
  X(sio_encode_vectors)                                                        \
  X(sio_quick_encoders_match_generic)                                          \
  X(sio_quick_encoders_refuse)                                                 \
  X(sio_placeholder_rules)                                                     \
  X(sio_depth_and_namespace_limits)                                            \
  X(varuint_vectors)                                                           \
  X(awareness_roundtrip)                                                       \
  X(awareness_rejects_malformed)                                               \
  X(yupdate_accepts_yjs_updates)                                               \
  X(yupdate_rejects_hostile_updates)                                           \
  X(ystate_vector_vectors)                                                     \
  X(doc_applies_yjs_updates)                                                   \
  X(doc_diff_syncs_a_fresh_doc)                                                \
  X(doc_rejects_invalid_update_and_keeps_content)                              \
  X(doc_refuses_edits_inside_a_surrogate_pair)                                 \
  X(origins_of_urls_and_hosts)                                                 \
  X(runs_lifecycle_relays_clean_copies)                                        \
  X(runs_refuse_events_outside_the_active_run)                                 \
  X(runs_cap_stored_and_relayed_output)                                        \
  X(runs_rate_limit_refills)                                                   \
  X(store_sqlite_runs)                                                         \
  X(store_postgres_runs)                                                       \
  X(ws_frame_header_lengths)                                                   \
  X(ws_outbox_joins_frames_in_order)                                           \
  X(ws_outbox_keeps_headroom_before_pending_bytes)                             \
  X(ws_outbox_partial_consume_then_drain)                                      \
  X(ws_outbox_refuses_beyond_max_unchanged)                                    \
  X(ws_outbox_returns_large_buffers_when_drained)                              \
  X(ws_outbox_frame_payload_is_head_then_body)

/* Prints the context set by test_ctx (test_support.c) before a failure. */
void test_print_ctx(void);

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      test_print_ctx();                                                        \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define CHECK_INT(a, b)                                                        \
  do {                                                                         \
    long long a_ = (long long)(a), b_ = (long long)(b);                        \
    if (a_ != b_) {                                                            \
      fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__,          \
              __LINE__, #a, a_, b_);                                           \
      test_print_ctx();                                                        \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define CHECK_STR(a, b)                                                        \
  do {                                                                         \
    const char *a_ = (a), *b_ = (b);                                           \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                   \
      fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__,      \
              __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");           \
      test_print_ctx();                                                        \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#endif
