/* The editable fields of a session, as validated input from any transport. */
#ifndef PP_COLLAB_SESSION_FIELDS_H
#define PP_COLLAB_SESSION_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COLLAB_TITLE_MAX_CHARS 200
#define COLLAB_PASSWORD_MAX_CHARS 128
#define COLLAB_TTL_MIN_S 60
#define COLLAB_TTL_MAX_S (30 * 24 * 3600)
#define COLLAB_TTL_DEFAULT_S (24 * 3600)
#define COLLAB_DEFAULT_TITLE "Untitled session"
#define COLLAB_RUN_TIMEOUT_MIN_S 1
#define COLLAB_RUN_TIMEOUT_MAX_S 300
#define COLLAB_RUN_TIMEOUT_DEFAULT_S 10
#define COLLAB_RUN_FLAGS_MAX_CHARS 500
#define COLLAB_RUN_SETUP_MAX_BYTES (32 * 1024)

typedef struct {
  bool has_title;
  char *title; /* owned */
  bool has_language;
  char language[25];
  bool has_password;
  char *password; /* owned; NULL with has_password means "remove" */
  size_t password_len;
  bool has_ttl;
  int64_t ttl_seconds;
  bool has_is_active;
  bool is_active;
  bool has_run_timeout;
  int run_timeout_seconds;
  bool has_run_settings;
  char *run_settings; /* owned: validated JSON object text */
} collab_session_fields_t;

/* Frees owned strings (wiping the password) and zeroes f. */
void collab_session_fields_clear(collab_session_fields_t *f);

#endif
