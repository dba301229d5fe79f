#include "collab/languages.h"

/* Whether a language can run is not decided here: the runner build's
 * manifest says which runtimes exist (http/api.c). */
static const collab_language_t table[] = {
    {"javascript", "JavaScript", "javascript", "js"},
    {"typescript", "TypeScript", "typescript", "ts"},
    {"python", "Python", "python", "py"},
    {"c", "C", "c", "c"},
    {"cpp", "C++", "cpp", "cpp"},
    {"java", "Java", "java", "java"},
    {"go", "Go", "go", "go"},
    {"csharp", "C#", "csharp", "cs"},
    {"ruby", "Ruby", "ruby", "rb"},
    {"rust", "Rust", "rust", "rs"},
    {"sql", "SQL", "sql", "sql"},
    {"lua", "Lua", "lua", "lua"},
    {"php", "PHP", "php", "php"},
    {"kotlin", "Kotlin", "kotlin", "kt"},
    {"plaintext", "Plain text", "plaintext", "txt"},
};

const collab_language_t *collab_languages(size_t *count) {
  *count = sizeof table / sizeof table[0];
  return table;
}

const collab_language_t *collab_language_find(pp_bytes_t id) {
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    if (pp_bytes_eq(id, table[i].id))
      return &table[i];
  }
  return NULL;
}
