#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "util/config.h"
#include "util/error.h"
#include "util/log.h"

#ifndef PAIRPAD_VERSION
#define PAIRPAD_VERSION "0.1.0"
#endif

static const char *main__getenv(const char *name) { return getenv(name); }

int main(int argc, char **argv) {
  pp_config_t cfg;
  if (pp_config_defaults(&cfg)) {
    fprintf(stderr, "pairpad: out of memory\n");
    return 1;
  }
  char err[512];
  if (pp_config_parse(&cfg, argc, argv, main__getenv, err, sizeof err)) {
    fprintf(stderr, "pairpad: %s\n", err);
    pp_config_free(&cfg);
    return 2;
  }
  if (cfg.help) {
    pp_config_print_help(stdout, "pairpad");
    pp_config_free(&cfg);
    return 0;
  }
  if (cfg.version) {
    printf("pairpad %s\n", PAIRPAD_VERSION);
    pp_config_free(&cfg);
    return 0;
  }
  pp_log_level_t level;
  if (pp_log_parse_level(cfg.log_level, &level)) {
    fprintf(stderr, "pairpad: --log-level: expected debug, info, warn, error "
                    "or off\n");
    pp_config_free(&cfg);
    return 2;
  }
  pp_log_set_level(level);
  int code = pp_app_run(&cfg);
  pp_config_free(&cfg);
  return code;
}
