/* The two browser origins Pairpad serves: the app and the code runner. The
 * app frames the runner and the runner accepts only the app as its parent,
 * so each side names the other in its Content-Security-Policy. Pure string
 * functions of the configuration and the request's Host header. */
#ifndef PP_HTTP_ORIGINS_H
#define PP_HTTP_ORIGINS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/bytes.h"

#define HTTP_ORIGIN_MAX 300

/* Writes the origin (scheme://host[:port], no path) of an absolute http(s)
 * URL. False when url is not one or out is too small. */
bool http_origin_of_url(const char *url, char *out, size_t outsz);
/* Writes the host name of a Host header value without its port. False when
 * the value is empty or holds characters a host name cannot. */
bool http_host_name(pp_bytes_t host, char *out, size_t outsz);
/* The origin of a listener: the origin of configured_url when set, else
 * http://<host name of the request>:<port>. False when neither gives one. */
bool http_listener_origin(const char *configured_url, pp_bytes_t host, int port,
                          char *out, size_t outsz);

#endif
