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
  bool found = stat(out->file, &st) == 0 && S_ISREG(st.st_mode);
  if (!found && memchr(rel.ptr, ' ', rel.len)) {
    /* lws decodes '+' in a path to a space (form encoding, which paths do
     * not use): a file named with '+' (e.g. c++) is looked up as such when
     * no file has the spaces. */
    for (char *c = out->file + strlen(root); *c; c++)
      if (*c == ' ')
        *c = '+';
    found = stat(out->file, &st) == 0 && S_ISREG(st.st_mode);
  }
  if (found) {
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

static bool static__ieq(pp_bytes_t a, const char *b) {
  size_t n = strlen(b);
  if (a.len != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = a.ptr[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != b[i])
      return false;
  }
  return true;
}

static pp_bytes_t static__trim(pp_bytes_t b) {
  while (b.len && (b.ptr[0] == ' ' || b.ptr[0] == '\t')) {
    b.ptr++;
    b.len--;
  }
  while (b.len && (b.ptr[b.len - 1] == ' ' || b.ptr[b.len - 1] == '\t'))
    b.len--;
  return b;
}

bool http_accepts_encoding(pp_bytes_t accept, const char *coding) {
  size_t i = 0;
  while (i < accept.len) {
    size_t start = i;
    while (i < accept.len && accept.ptr[i] != ',')
      i++;
    pp_bytes_t item = pp_bytes(accept.ptr + start, i - start);
    i++;
    const char *semi = memchr(item.ptr, ';', item.len);
    pp_bytes_t token = static__trim(
        pp_bytes(item.ptr, semi ? (size_t)(semi - item.ptr) : item.len));
    if (!static__ieq(token, coding) && !pp_bytes_eq(token, "*"))
      continue;
    if (semi) {
      pp_bytes_t params = static__trim(
          pp_bytes(semi + 1, item.len - (size_t)(semi - item.ptr) - 1));
      /* q=0, q=0.0, q=0.00… refuse the coding */
      if (params.len >= 3 && (params.ptr[0] == 'q' || params.ptr[0] == 'Q') &&
          params.ptr[1] == '=') {
        bool zero = params.ptr[2] == '0';
        for (size_t k = 3; zero && k < params.len; k++)
          zero = params.ptr[k] == '.' || params.ptr[k] == '0';
        if (zero)
          return false;
      }
    }
    return true;
  }
  return false;
}

static bool static__compressible(const char *mime) {
  return strncmp(mime, "text/", 5) == 0 ||
         strncmp(mime, "application/json", 16) == 0 ||
         strncmp(mime, "application/wasm", 16) == 0 ||
         strncmp(mime, "application/manifest", 20) == 0 ||
         strncmp(mime, "image/svg", 9) == 0 ||
         strncmp(mime, "application/octet-stream", 24) == 0 ||
         strncmp(mime, "application/x-tar", 17) == 0;
}

const char *http_static_precompressed(const http_static_file_t *f,
                                      pp_bytes_t accept, char *out,
                                      size_t outsz) {
  static const struct {
    const char *coding, *suffix;
  } variants[] = {{"br", ".br"}, {"gzip", ".gz"}};
  if (!f->mime || !static__compressible(f->mime))
    return NULL;
  for (size_t i = 0; i < 2; i++) {
    if (!http_accepts_encoding(accept, variants[i].coding))
      continue;
    int n = snprintf(out, outsz, "%s%s", f->file, variants[i].suffix);
    struct stat st;
    if (n > 0 && (size_t)n < outsz && stat(out, &st) == 0 &&
        S_ISREG(st.st_mode))
      return variants[i].coding;
  }
  return NULL;
}
