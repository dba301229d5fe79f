#include "auth/password.h"

#include <string.h>

#include "util/error.h"

/* OWASP's argon2id baseline (19 MiB, t=2): strong enough for a short-lived
 * session password while keeping a verification around 30 ms on one core. */
#define AUTH_PW_OPSLIMIT 2
#define AUTH_PW_MEMLIMIT (19u * 1024u * 1024u)

int auth_password_hash(pp_bytes_t password, char out[AUTH_PASSWORD_HASH_MAX]) {
  if (crypto_pwhash_str_alg(out, password.ptr, password.len, AUTH_PW_OPSLIMIT,
                            AUTH_PW_MEMLIMIT,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return PP_ECRYPTO;
  return 0;
}

int auth_password_verify(const char *hash, pp_bytes_t password) {
  if (!hash || strncmp(hash, "$argon2id$", 10) != 0)
    return PP_EPASSWORD_WRONG;
  return crypto_pwhash_str_verify(hash, password.ptr, password.len) == 0
             ? 0
             : PP_EPASSWORD_WRONG;
}
