#include "http/api_docs.h"

#include <jansson.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"

#define DOCS_MAX (1024 * 1024)

static void docs__esc(pp_buf_t *b, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '<':
      pp_buf_appends(b, "&lt;");
      break;
    case '>':
      pp_buf_appends(b, "&gt;");
      break;
    case '&':
      pp_buf_appends(b, "&amp;");
      break;
    case '"':
      pp_buf_appends(b, "&quot;");
      break;
    default:
      pp_buf_append(b, s, 1);
    }
  }
}

static const char *docs__str(json_t *obj, const char *key) {
  return json_string_value(json_object_get(obj, key));
}

/* "#/components/schemas/Session" -> "Session" */
static const char *docs__ref_name(json_t *schema) {
  const char *ref = docs__str(schema, "$ref");
  if (!ref)
    return NULL;
  const char *slash = strrchr(ref, '/');
  return slash ? slash + 1 : ref;
}

static void docs__type(pp_buf_t *b, json_t *schema) {
  const char *ref = docs__ref_name(schema);
  if (ref) {
    pp_buf_appends(b, "<a href=\"#schema-");
    docs__esc(b, ref);
    pp_buf_appends(b, "\">");
    docs__esc(b, ref);
    pp_buf_appends(b, "</a>");
    return;
  }
  json_t *type = json_object_get(schema, "type");
  if (json_is_string(type)) {
    docs__esc(b, json_string_value(type));
    if (strcmp(json_string_value(type), "array") == 0) {
      pp_buf_appends(b, " of ");
      docs__type(b, json_object_get(schema, "items"));
    }
  } else if (json_is_array(type)) {
    size_t i;
    json_t *t;
    json_array_foreach(type, i, t) {
      if (i)
        pp_buf_appends(b, " | ");
      docs__esc(b, json_string_value(t));
    }
  } else {
    pp_buf_appends(b, "object");
  }
}

static void docs__operation(pp_buf_t *b, const char *path, const char *method,
                            json_t *op) {
  pp_buf_appends(b, "<section class=\"op\"><h3><span class=\"m\">");
  for (const char *m = method; *m; m++) {
    char c = (char)(*m >= 'a' && *m <= 'z' ? *m - 32 : *m);
    pp_buf_append(b, &c, 1);
  }
  pp_buf_appends(b, "</span> <code>");
  docs__esc(b, path);
  pp_buf_appends(b, "</code></h3><p><strong>");
  docs__esc(b, docs__str(op, "summary"));
  pp_buf_appends(b, "</strong></p><p>");
  docs__esc(b, docs__str(op, "description"));
  pp_buf_appends(b, "</p>");
  json_t *body = json_object_get(op, "requestBody");
  json_t *content = json_object_get(body, "content");
  json_t *jsonct = json_object_get(content, "application/json");
  if (jsonct) {
    pp_buf_appends(b, "<p>Body: ");
    docs__type(b, json_object_get(jsonct, "schema"));
    pp_buf_appends(b, "</p>");
  }
  json_t *responses = json_object_get(op, "responses");
  if (json_object_size(responses)) {
    pp_buf_appends(b, "<table><tr><th>Status</th><th>Meaning</th></tr>");
    const char *status;
    json_t *resp;
    json_object_foreach(responses, status, resp) {
      pp_buf_appends(b, "<tr><td>");
      docs__esc(b, status);
      pp_buf_appends(b, "</td><td>");
      const char *ref = docs__ref_name(resp);
      docs__esc(b, ref ? ref : docs__str(resp, "description"));
      pp_buf_appends(b, "</td></tr>");
    }
    pp_buf_appends(b, "</table>");
  }
  pp_buf_appends(b, "</section>");
}

static void docs__schema(pp_buf_t *b, const char *name, json_t *schema) {
  pp_buf_appends(b, "<section class=\"schema\" id=\"schema-");
  docs__esc(b, name);
  pp_buf_appends(b, "\"><h3>");
  docs__esc(b, name);
  pp_buf_appends(b, "</h3><p>");
  docs__esc(b, docs__str(schema, "description"));
  pp_buf_appends(b, "</p>");
  json_t *props = json_object_get(schema, "properties");
  if (json_object_size(props)) {
    pp_buf_appends(b, "<table><tr><th>Field</th><th>Type</th><th>Description"
                      "</th></tr>");
    const char *field;
    json_t *p;
    json_object_foreach(props, field, p) {
      pp_buf_appends(b, "<tr><td><code>");
      docs__esc(b, field);
      pp_buf_appends(b, "</code></td><td>");
      docs__type(b, p);
      pp_buf_appends(b, "</td><td>");
      docs__esc(b, docs__str(p, "description"));
      pp_buf_appends(b, "</td></tr>");
    }
    pp_buf_appends(b, "</table>");
  }
  pp_buf_appends(b, "</section>");
}

int http_api_docs_render(const char *openapi, size_t openapi_len, char **html,
                         size_t *len) {
  *html = NULL;
  *len = 0;
  json_t *doc = openapi ? json_loadb(openapi, openapi_len, 0, NULL) : NULL;
  if (!doc)
    return PP_EINVAL;
  pp_buf_t b;
  pp_buf_init(&b, DOCS_MAX);
  json_t *info = json_object_get(doc, "info");
  pp_buf_appends(
      &b, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width\">"
          "<title>Pairpad API</title><style>"
          "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem "
          "auto;padding:0 1rem;color:#1b1f24}code{background:#f1f3f5;padding:"
          "0 .3em;border-radius:3px}.m{display:inline-block;min-width:4.5em;"
          "font:600 13px monospace;color:#fff;background:#3867d6;padding:2px "
          "6px;border-radius:3px;text-align:center}table{border-collapse:"
          "collapse;margin:.5rem 0}td,th{border:1px solid #d0d7de;padding:"
          "3px 8px;text-align:left;vertical-align:top}section{border-bottom:"
          "1px solid #eee;padding-bottom:1rem}@media(prefers-color-scheme:"
          "dark){body{background:#0d1117;color:#e6edf3}code{background:#161b22"
          "}td,th{border-color:#30363d}a{color:#58a6ff}}"
          "</style></head><body><h1>");
  docs__esc(&b, docs__str(info, "title"));
  pp_buf_appends(&b, " <small>");
  docs__esc(&b, docs__str(info, "version"));
  pp_buf_appends(&b, "</small></h1><p>");
  docs__esc(&b, docs__str(info, "description"));
  pp_buf_appends(&b, "</p><p>Machine-readable: <a href=\"/api/openapi.json\">"
                     "/api/openapi.json</a> (OpenAPI ");
  docs__esc(&b, docs__str(doc, "openapi"));
  pp_buf_appends(&b, ").</p><h2>Endpoints</h2>");
  static const char *const methods[] = {"get", "post", "put", "patch",
                                        "delete"};
  const char *path;
  json_t *item;
  json_object_foreach(json_object_get(doc, "paths"), path, item) {
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
      json_t *op = json_object_get(item, methods[i]);
      if (json_is_object(op))
        docs__operation(&b, path, methods[i], op);
    }
  }
  pp_buf_appends(&b, "<h2>Schemas</h2>");
  const char *name;
  json_t *schema;
  json_object_foreach(
      json_object_get(json_object_get(doc, "components"), "schemas"), name,
      schema) {
    docs__schema(&b, name, schema);
  }
  int rc = pp_buf_appends(&b, "</body></html>\n");
  json_decref(doc);
  if (rc) {
    pp_buf_free(&b);
    return rc;
  }
  *html = pp_buf_steal(&b, len);
  return 0;
}
