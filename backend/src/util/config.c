#define _POSIX_C_SOURCE 200809L
#include "util/config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

typedef enum { OPT_STRING, OPT_PORT, OPT_BOOL, OPT_FLAG, OPT_INT } opt_type_t;

typedef struct {
  const char *name;
  const char *env;
  opt_type_t type;
  size_t offset;
  int min, max; /* for OPT_INT */
  const char *def;
  const char *help;
} opt_t;

#define OFF(f) offsetof(pp_config_t, f)

static const opt_t options[] = {
    {"host", "PAIRPAD_HOST", OPT_STRING, OFF(host), 0, 0, "127.0.0.1",
     "listen address"},
    {"port", "PAIRPAD_PORT", OPT_PORT, OFF(port), 0, 0, "8000",
     "app origin: REST API, Socket.IO, front end (0 = any free port)"},
    {"runner-port", "PAIRPAD_RUNNER_PORT", OPT_PORT, OFF(runner_port), 0, 0,
     "8001", "separate sandbox origin for code execution (0 = off)"},
    {"database-url", "DATABASE_URL", OPT_STRING, OFF(database_url), 0, 0,
     "sqlite:./data/pairpad.db", "sqlite:PATH or postgres://..."},
    {"redis-url", "REDIS_URL", OPT_STRING, OFF(redis_url), 0, 0, NULL,
     "redis://host:port or unix:PATH; enables multi-node (default: "
     "in-process state)"},
    {"static-dir", "PAIRPAD_STATIC_DIR", OPT_STRING, OFF(static_dir), 0, 0,
     "frontend/dist", "built front end"},
    {"runner-dir", "PAIRPAD_RUNNER_DIR", OPT_STRING, OFF(runner_dir), 0, 0,
     "frontend/dist-runner", "static files of the runner origin"},
    {"runner-url", "PAIRPAD_RUNNER_URL", OPT_STRING, OFF(runner_url), 0, 0,
     NULL,
     "public URL of the runner origin, e.g. https://run.example.com "
     "(default: this host on --runner-port)"},
    {"socketio-conformance", "PAIRPAD_SOCKETIO_CONFORMANCE", OPT_FLAG,
     OFF(socketio_conformance), 0, 0, "off",
     "serve the reference servers of the official Engine.IO/Socket.IO "
     "compliance suites"},
    {"rate-limits", "PAIRPAD_RATE_LIMITS", OPT_BOOL, OFF(rate_limits), 0, 0,
     "on",
     "on|off: per-address limits on session creation and password attempts"},
    {"cors-origins", "PAIRPAD_CORS_ORIGINS", OPT_STRING, OFF(cors_origins), 0,
     0, "",
     "comma-separated origins allowed cross-origin (default: same "
     "origin only)"},
    {"public-url", "PAIRPAD_PUBLIC_URL", OPT_STRING, OFF(public_url), 0, 0,
     NULL, "base URL used in share links (default: from the Host header)"},
    {"log-level", "PAIRPAD_LOG_LEVEL", OPT_STRING, OFF(log_level), 0, 0, "info",
     "debug|info|warn|error|off (info logs every request)"},
    {"sweep-interval", "PAIRPAD_SWEEP_INTERVAL", OPT_INT, OFF(sweep_interval_s),
     1, 86400, "60", "seconds between purges of expired sessions"},
    {"db-pool-size", "PAIRPAD_DB_POOL_SIZE", OPT_INT, OFF(db_pool_size), 1, 64,
     "4", "database connections (and worker threads) per process"},
};

#define N_OPTIONS (sizeof options / sizeof options[0])

static int config__parse_int(const char *s, long min, long max, long *out) {
  if (!s || !*s)
    return PP_EINVAL;
  errno = 0;
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (errno || !end || *end || v < min || v > max)
    return PP_EINVAL;
  *out = v;
  return 0;
}

static int config__parse_bool(const char *s, bool *out) {
  static const char *const yes[] = {"on", "true", "1", "yes"};
  static const char *const no[] = {"off", "false", "0", "no"};
  for (size_t i = 0; i < 4; i++) {
    if (strcmp(s, yes[i]) == 0) {
      *out = true;
      return 0;
    }
    if (strcmp(s, no[i]) == 0) {
      *out = false;
      return 0;
    }
  }
  return PP_EINVAL;
}

static int config__set(pp_config_t *cfg, const opt_t *o, const char *value,
                       char *err, size_t errsz) {
  char *base = (char *)cfg;
  long n;
  switch (o->type) {
  case OPT_STRING: {
    char **slot = (char **)(base + o->offset);
    char *copy = value ? strdup(value) : NULL;
    if (value && !copy)
      return PP_ENOMEM;
    free(*slot);
    *slot = copy;
    return 0;
  }
  case OPT_PORT:
    if (config__parse_int(value, 0, 65535, &n)) {
      snprintf(err, errsz, "--%s: expected a port number 0-65535, got '%s'",
               o->name, value ? value : "");
      return PP_EINVAL;
    }
    *(int *)(base + o->offset) = (int)n;
    return 0;
  case OPT_INT:
    if (config__parse_int(value, o->min, o->max, &n)) {
      snprintf(err, errsz, "--%s: expected an integer %d-%d, got '%s'", o->name,
               o->min, o->max, value ? value : "");
      return PP_EINVAL;
    }
    *(int *)(base + o->offset) = (int)n;
    return 0;
  case OPT_BOOL:
  case OPT_FLAG:
    if (!value || config__parse_bool(value, (bool *)(base + o->offset))) {
      snprintf(err, errsz, "--%s: expected on or off, got '%s'", o->name,
               value ? value : "");
      return PP_EINVAL;
    }
    return 0;
  }
  return PP_EINVAL;
}

int pp_config_defaults(pp_config_t *cfg) {
  memset(cfg, 0, sizeof *cfg);
  char err[64];
  for (size_t i = 0; i < N_OPTIONS; i++) {
    if (!options[i].def)
      continue;
    if (config__set(cfg, &options[i], options[i].def, err, sizeof err))
      return PP_ENOMEM;
  }
  return 0;
}

int pp_config_parse(pp_config_t *cfg, int argc, char **argv,
                    const char *(*getenv_fn)(const char *name), char *err,
                    size_t errsz) {
  int rc;
  err[0] = '\0';
  for (size_t i = 0; getenv_fn && i < N_OPTIONS; i++) {
    const char *v = getenv_fn(options[i].env);
    if (v && *v && (rc = config__set(cfg, &options[i], v, err, errsz))) {
      if (rc == PP_EINVAL) {
        char detail[256];
        snprintf(detail, sizeof detail, "%s (from $%s)", err, options[i].env);
        snprintf(err, errsz, "%s", detail);
      }
      return rc;
    }
  }
  for (int a = 1; a < argc; a++) {
    const char *arg = argv[a];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      cfg->help = true;
      continue;
    }
    if (strcmp(arg, "--version") == 0) {
      cfg->version = true;
      continue;
    }
    if (strncmp(arg, "--", 2) != 0) {
      snprintf(err, errsz, "unexpected argument '%s' (see --help)", arg);
      return PP_EINVAL;
    }
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
    const opt_t *o = NULL;
    for (size_t i = 0; i < N_OPTIONS; i++) {
      if (strlen(options[i].name) == name_len &&
          strncmp(options[i].name, name, name_len) == 0) {
        o = &options[i];
        break;
      }
    }
    if (!o) {
      snprintf(err, errsz, "unknown option '%.*s' (see --help)",
               (int)(name_len + 2), arg);
      return PP_EINVAL;
    }
    const char *value;
    if (eq) {
      value = eq + 1;
    } else if (o->type == OPT_FLAG) {
      value = "on";
    } else if (a + 1 < argc) {
      value = argv[++a];
    } else {
      snprintf(err, errsz, "option --%s needs a value", o->name);
      return PP_EINVAL;
    }
    if ((rc = config__set(cfg, o, value, err, errsz)))
      return rc;
  }
  return 0;
}

void pp_config_print_help(FILE *out, const char *argv0) {
  fprintf(out,
          "Usage: %s [options]\n\n"
          "Pairpad: real-time collaborative coding interviews.\n\n"
          "Options (each also read from the environment variable shown):\n",
          argv0);
  for (size_t i = 0; i < N_OPTIONS; i++) {
    const opt_t *o = &options[i];
    char left[64];
    snprintf(left, sizeof left, "--%s%s", o->name,
             o->type == OPT_FLAG ? "" : " VALUE");
    fprintf(out, "  %-28s %s\n  %-28s [$%s; default: %s]\n", left, o->help, "",
            o->env, o->def ? (*o->def ? o->def : "\"\"") : "none");
  }
  fprintf(out, "  %-28s %s\n  %-28s %s\n", "--help", "show this help",
          "--version", "print the version");
}

void pp_config_free(pp_config_t *cfg) {
  for (size_t i = 0; i < N_OPTIONS; i++) {
    if (options[i].type == OPT_STRING) {
      char **slot = (char **)((char *)cfg + options[i].offset);
      free(*slot);
      *slot = NULL;
    }
  }
}
