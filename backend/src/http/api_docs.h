/* Renders the human-readable API page (/api/docs) from the OpenAPI document,
 * so the two can never disagree. */
#ifndef PP_HTTP_API_DOCS_H
#define PP_HTTP_API_DOCS_H

#include <stddef.h>

/* Returns 0 and an owned HTML page (*html, *len), or PP_EINVAL when the
 * document is not valid JSON, PP_ENOMEM. */
int http_api_docs_render(const char *openapi, size_t openapi_len, char **html,
                         size_t *len);

#endif
