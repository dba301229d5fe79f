# Generates a C file that embeds files as byte arrays in a table:
#   cmake -DOUT=x.c -DVAR=name -DFILES="a;b" -P embed.cmake
# The table is `const pp_embedded_t VAR[]` with `VAR_count` entries, each
# NUL-terminated so text files can be used as C strings.
string(REPLACE "|" ";" FILES "${FILES}")
set(content "#include \"util/embedded.h\"\n\n")
set(entries "")
set(i 0)
foreach(f IN LISTS FILES)
  file(READ "${f}" hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR len "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  get_filename_component(name "${f}" NAME)
  string(APPEND content "static const unsigned char ${VAR}_${i}[] = {${bytes}0x00};\n")
  string(APPEND entries "  {\"${name}\", ${VAR}_${i}, ${len}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND content "\nconst pp_embedded_t ${VAR}[] = {\n${entries}  {0, 0, 0}};\n")
string(APPEND content "const size_t ${VAR}_count = ${i};\n")
file(WRITE "${OUT}.tmp" "${content}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
