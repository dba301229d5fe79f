/* Session passwords as argon2id hashes (libsodium). Both calls take tens of
 * milliseconds and tens of MiB on purpose: run them on worker threads. */
#ifndef PP_AUTH_PASSWORD_H
#define PP_AUTH_PASSWORD_H

#include <sodium.h>

#include "util/bytes.h"

#define AUTH_PASSWORD_HASH_MAX crypto_pwhash_STRBYTES

/* Writes a NUL-terminated encoded hash into out. Returns 0 or PP_ECRYPTO. */
int auth_password_hash(pp_bytes_t password, char out[AUTH_PASSWORD_HASH_MAX]);
/* Returns 0 on match, PP_EPASSWORD_WRONG otherwise. */
int auth_password_verify(const char *hash, pp_bytes_t password);

#endif
