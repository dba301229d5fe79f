#define _POSIX_C_SOURCE 200809L
#include "http/static_files.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const struct {
  const char *ext;
  const char *mime;
} mime_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".wasm", "application/wasm"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
    {".data", "application/octet-stream"},
    {".zip", "application/zip"},
    {".tar", "application/x-tar"},
};

const char *http_static_mime(pp_bytes_t name) {
  for (size_t i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++) {
    size_t n = strlen(mime_types[i].ext);
    if (name.len >= n &&
        memcmp(name.ptr + name.len - n, mime_types[i].ext, n) == 0)
      return mime_types[i].mime;
  }
  return "application/octet-stream";
}

static bool static__has_extension(pp_bytes_t path) {
  for (size_t i = path.len; i > 0; i--) {
    char c = path.ptr[i - 1];
    if (c == '/')
      return false;
    if (c == '.')
      return true;
  }
  return false;
}

http_static_result_t http_static_resolve(const char *root, pp_bytes_t path,
                                         http_static_file_t *out) {
  memset(out, 0, sizeof *out);
  if (path.len == 0 || path.ptr[0] != '/' || memchr(path.ptr, '\0', path.len))
    return HTTP_STATIC_FORBIDDEN;
  /* Reject any segment starting with '.': covers "..", "." and dotfiles. */
  for (size_t i = 0; i + 1 < path.len; i++) {
    if (path.ptr[i] == '/' && path.ptr[i + 1] == '.')
      return HTTP_STATIC_FORBIDDEN;
  }
  pp_bytes_t rel = path;
  if (pp_bytes_eq(rel, "/"))
    rel = pp_bytes_str("/index.html");
  int n = snprintf(out->file, sizeof out->file, "%s%.*s", root, (int)rel.len,
                   rel.ptr);
  if (n < 0 || (size_t)n >= sizeof out->file)
    return HTTP_STATIC_FORBIDDEN;
  struct stat st;
  if (stat(out->file, &st) == 0 && S_ISREG(st.st_mode)) {
    out->mime = http_static_mime(rel);
    out->immutable = rel.len > 8 && memcmp(rel.ptr, "/assets/", 8) == 0;
    return HTTP_STATIC_FOUND;
  }
  if (static__has_extension(rel) && !pp_bytes_eq(path, "/"))
    return HTTP_STATIC_MISSING;
  n = snprintf(out->file, sizeof out->file, "%s/index.html", root);
  if (n < 0 || (size_t)n >= sizeof out->file)
    return HTTP_STATIC_FORBIDDEN;
  out->mime = "text/html; charset=utf-8";
  if (stat(out->file, &st) != 0 || !S_ISREG(st.st_mode))
    out->file[0] = '\0'; /* front end not built */
  return HTTP_STATIC_APP;
}
