/* Wires the modules together and runs the event loop until a signal. */
#ifndef PP_APP_H
#define PP_APP_H

#include "util/config.h"

/* Returns the process exit code. */
int pp_app_run(const pp_config_t *cfg);

#endif
