#include "collab/languages.h"

/* runnable stays false until the in-browser runner ships a runtime for the
 * language: the Run button must never pretend. */
static const collab_language_t table[] = {
    {"javascript", "JavaScript", "javascript", "js", false},
    {"typescript", "TypeScript", "typescript", "ts", false},
    {"python", "Python", "python", "py", false},
    {"c", "C", "c", "c", false},
    {"cpp", "C++", "cpp", "cpp", false},
    {"java", "Java", "java", "java", false},
    {"go", "Go", "go", "go", false},
    {"csharp", "C#", "csharp", "cs", false},
    {"ruby", "Ruby", "ruby", "rb", false},
    {"rust", "Rust", "rust", "rs", false},
    {"sql", "SQL", "sql", "sql", false},
    {"lua", "Lua", "lua", "lua", false},
    {"php", "PHP", "php", "php", false},
    {"kotlin", "Kotlin", "kotlin", "kt", false},
    {"plaintext", "Plain text", "plaintext", "txt", false},
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
