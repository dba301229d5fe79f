#include "http/origins.h"

#include <stdio.h>
#include <string.h>

static bool origins__host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '-';
}

bool http_origin_of_url(const char *url, char *out, size_t outsz) {
  if (!url)
    return false;
  size_t scheme;
  if (strncmp(url, "http://", 7) == 0)
    scheme = 7;
  else if (strncmp(url, "https://", 8) == 0)
    scheme = 8;
  else
    return false;
  size_t end = scheme;
  while (url[end] && url[end] != '/' && url[end] != '?' && url[end] != '#')
    end++;
  if (end == scheme)
    return false;
  for (size_t i = scheme; i < end; i++) {
    char c = url[i];
    if (!origins__host_char(c) && c != ':' && c != '[' && c != ']')
      return false;
  }
  if (end >= outsz)
    return false;
  memcpy(out, url, end);
  out[end] = '\0';
  return true;
}

bool http_host_name(pp_bytes_t host, char *out, size_t outsz) {
  size_t n = host.len;
  if (n && host.ptr[0] == '[') {
    /* [v6]:port keeps its brackets: they belong to the origin. */
    const char *close = memchr(host.ptr, ']', host.len);
    if (!close)
      return false;
    n = (size_t)(close - host.ptr) + 1;
    for (size_t i = 1; i + 1 < n; i++) {
      char c = host.ptr[i];
      if (!(c == ':' || c == '.' || (c >= '0' && c <= '9') ||
            (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
        return false;
    }
  } else {
    const char *colon = memchr(host.ptr, ':', host.len);
    if (colon)
      n = (size_t)(colon - host.ptr);
    for (size_t i = 0; i < n; i++) {
      if (!origins__host_char(host.ptr[i]))
        return false;
    }
  }
  if (n == 0 || n >= outsz)
    return false;
  memcpy(out, host.ptr, n);
  out[n] = '\0';
  return true;
}

bool http_listener_origin(const char *configured_url, pp_bytes_t host, int port,
                          char *out, size_t outsz) {
  if (configured_url && *configured_url)
    return http_origin_of_url(configured_url, out, outsz);
  char name[256];
  if (port <= 0 || !http_host_name(host, name, sizeof name))
    return false;
  int n = snprintf(out, outsz, "http://%s:%d", name, port);
  return n > 0 && (size_t)n < outsz;
}
