/* Interviewer tokens: 256 random bits shown once, stored only as a hash. */
#ifndef PP_AUTH_TOKEN_H
#define PP_AUTH_TOKEN_H

#include <stdbool.h>

#include "util/bytes.h"

#define AUTH_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
#define AUTH_TOKEN_HASH_LEN 64
#define AUTH_TOKEN_MAX_INPUT 256 /* longer presented tokens are rejected */

/* Writes a fresh token and the hex hash to store. */
void auth_token_new(char token[AUTH_TOKEN_LEN + 1],
                    char hash_hex[AUTH_TOKEN_HASH_LEN + 1]);
/* Hex BLAKE2b-256 of token. */
void auth_token_hash(pp_bytes_t token, char hash_hex[AUTH_TOKEN_HASH_LEN + 1]);
/* Constant-time check of a presented token against a stored hex hash. */
bool auth_token_verify(pp_bytes_t token, const char *stored_hash_hex);
/* Extracts the token of an "Authorization: Bearer <token>" value; returns
 * false when the scheme is not Bearer or the token is empty/oversized. */
bool auth_bearer_token(pp_bytes_t header, pp_bytes_t *token);

#endif
