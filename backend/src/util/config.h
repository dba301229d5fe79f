/* Command-line and environment configuration of the pairpad process. */
#ifndef PP_CONFIG_H
#define PP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct {
  char *host;         /* owned */
  int port;           /* 0 = pick a free port */
  int runner_port;    /* 0 = off */
  char *database_url; /* owned */
  char *redis_url;    /* owned, NULL = in-process */
  char *static_dir;   /* owned */
  char *runner_dir;   /* owned: runner origin's static files */
  char *runner_url;   /* owned, NULL = this host on runner_port */
  char *cors_origins; /* owned, comma-separated allow-list, "" = none */
  char *public_url;   /* owned, NULL = derive from Host */
  char *log_level;    /* owned */
  bool socketio_conformance;
  bool rate_limits;
  int sweep_interval_s;
  int db_pool_size;
  bool help;
  bool version;
} pp_config_t;

/* Fills cfg with the embedded defaults. Returns 0 or PP_ENOMEM. */
int pp_config_defaults(pp_config_t *cfg);
/* Applies environment variables (looked up through getenv_fn), then argv.
 * On error returns PP_EINVAL/PP_ENOMEM and writes a human message to err. */
int pp_config_parse(pp_config_t *cfg, int argc, char **argv,
                    const char *(*getenv_fn)(const char *name), char *err,
                    size_t errsz);
void pp_config_print_help(FILE *out, const char *argv0);
void pp_config_free(pp_config_t *cfg);

#endif
